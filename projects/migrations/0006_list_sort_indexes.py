"""Indexes for the project and milestone lists' sorts, their deep pages, and the dashboard.

Measured on `kopru_bench` (10,012 projects, 40,000 milestones, 100,000 progress updates),
PostgreSQL 15, `EXPLAIN (ANALYZE, BUFFERS)`, best of 5, each index tried in a rolled-back
transaction. A benchmark run kept the 2 CPUs busy, so expect about half on a quiet machine.
"Page 300" is `LIMIT 25 OFFSET 7475`; since this change it is fetched through a deferred join
(`partnership/pagination.py`): `WHERE id IN (SELECT id … ORDER BY … LIMIT 25 OFFSET 7475)`,
whose subquery is an index-only scan thanks to `INCLUDE (id)`.

project_last_update_idx (last_update_on, code) INCLUDE (id): /projects/?sort=-last_update_on
    before: Limit -> Nested Loop -> Gather Merge -> Sort (external merge, Disk: 4808kB)
            -> Parallel Seq Scan on projects_project                page 1: 11.1 ms, page 300: 40.1 ms
    after:  Limit -> Nested Loop -> Index Scan Backward using project_last_update_idx
                                                                    page 1: 0.03 ms
            page 300, deferred join: Sort -> Nested Loop -> HashAggregate -> Limit
            -> Index Only Scan Backward using project_last_update_idx u0 (rows=7500)
            -> Index Scan using projects_project_pkey (loops=25)     page 300: 0.71 ms
            (the same index without INCLUDE: page 300 plain 6.3 ms; deferred join 11.2 ms,
            because the subquery then reads the heap for every skipped row)
project_planned_end_idx (planned_end, code) INCLUDE (id): ?sort=-planned_end
    before: Sort -> Parallel Seq Scan                               page 1: 16.5 ms, page 300: 35.5 ms
    after:  Index Scan Backward / Index Only Scan Backward          page 1: 0.04 ms, page 300: 0.65 ms
project_status_code_idx (status, code) INCLUDE (id): ?sort=status
    before: Incremental Sort on project_status_health_idx / Sort -> Seq Scan
                                                                    page 1: 2.6 ms,  page 300: 39.9 ms
    after:  Index Scan / Index Only Scan using project_status_code_idx
                                                                    page 1: 0.03 ms, page 300: 0.66 ms
project_health_code_idx (health, code) INCLUDE (id): ?sort=-health
    before: Sort -> Parallel Seq Scan                               page 1: 13.0 ms, page 300: 35.0 ms
    after:  Index Scan Backward / Index Only Scan Backward          page 1: 0.04 ms, page 300: 0.66 ms
project_code_id_idx (code) INCLUDE (id): /projects/?page=300, the default sort (benchmarked)
    before: Limit -> Nested Loop -> Index Scan using project_code_unique (rows=7500)
                                                                    page 300: 3.6-10 ms (15.1 ms in the bench run)
    after:  deferred join, Index Only Scan using project_code_id_idx u0 (Heap Fetches: 14)
                                                                    page 300: 0.64 ms
    (page 1 stays a plain LIMIT 25 on project_code_unique: 0.03 ms)

milestone_due_id_idx (due_on, id): /projects/milestones/, default sort due_on, pk
    before: Limit -> Gather Merge -> Sort -> Parallel Seq Scan on projects_milestone
                                                                    page 1: 25.9 ms, page 800: 53.5 ms
    after:  Index Scan using milestone_due_id_idx                   page 1: 0.08 ms
            page 800, deferred join: Index Only Scan on milestone_due_id_idx u0
                                                                    page 800: 1.6 ms (without the index 13.6 ms)
milestone_open_due_id_idx (due_on, id) WHERE completed_on IS NULL: the dashboard's overdue list
    before: WindowAgg -> Sort -> Hash Join -> Bitmap Heap Scan on projects_milestone
            (milestone_open_due_idx, rows=3164) + Parallel Seq Scan on projects_project   11.0 ms
    after:  Limit -> WindowAgg -> Nested Loop
            -> Index Scan using milestone_open_due_id_idx (Index Cond: due_on < today)      5.8 ms
            (milestone_due_id_idx alone: 15.2 ms; the rest is the COUNT(*) OVER () of that query)
milestone_open_project_idx (project_id, due_on) WHERE completed_on IS NULL: ?overdue=on
    count before: Hash Join -> Bitmap Heap Scan on milestone_open_due_idx              2.7 ms
    count after:  Merge Semi Join -> Index Only Scan using milestone_open_project_idx  1.3 ms
    page 20:      Nested Loop Semi Join, per project an Index Only Scan on it           9.0 -> 3.1 ms

progress_reported_cover_idx (reported_on) INCLUDE (project_id, id, percent_complete):
    the dashboard's average percent per month, latest update per project and month, in the
    DISTINCT ON form (dashboard/queries.py is being rewritten to it):
    before: Unique -> Sort -> Seq Scan on projects_progressupdate   13.7 ms
    after:  Unique -> Sort -> Index Only Scan using progress_reported_cover_idx
            (Index Cond: reported_on >= … AND reported_on < …)       7.2 ms
    (the ROW_NUMBER() form: 19.1 -> 12.5 ms; the current NOT EXISTS form: 43 -> 39 ms)

SQLite builds these too; it ignores INCLUDE, so there the covering indexes are plain ones.
None of these operations rebuilds projects_milestone, so the trigger of 0002 stays in place
(tests/test_constraints.py fails without it).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_recreate_milestone_trigger")]

    operations = [
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(fields=["due_on", "id"], name="milestone_due_id_idx"),
        ),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=models.Q(("completed_on__isnull", True)),
                fields=["due_on", "id"],
                name="milestone_open_due_id_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=models.Q(("completed_on__isnull", True)),
                fields=["project", "due_on"],
                name="milestone_open_project_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(
                fields=["reported_on"],
                include=("project", "id", "percent_complete"),
                name="progress_reported_cover_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["code"], include=("id",), name="project_code_id_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["last_update_on", "code"], include=("id",), name="project_last_update_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["planned_end", "code"], include=("id",), name="project_planned_end_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["status", "code"], include=("id",), name="project_status_code_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["health", "code"], include=("id",), name="project_health_code_idx"),
        ),
    ]
