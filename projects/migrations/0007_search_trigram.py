"""A trigram index on projects' search text, so `search_text LIKE '%…%'` stops scanning every project.

PostgreSQL only, like 0002: SQLite has no trigram index and keeps its plain scan, which is
fine at demo size. `pg_trgm` is a trusted extension since PostgreSQL 13, so the database
owner may create it. The index is built CONCURRENTLY (so a non-atomic migration) to keep
writes going while it builds. Queries shorter than 3 characters still scan.

Measured on `kopru_bench` (10,012 projects), best of 5, while a benchmark run kept the
machine busy:

    /projects/?q=esenler kavsak, the count (a rare phrase, 24 rows)
    before: Aggregate -> Seq Scan on projects_project
              Filter: (search_text ~~ '%esenler kavsak%')  Rows Removed by Filter: 9988   9.8-10.5 ms
    after:  Aggregate -> Bitmap Heap Scan on projects_project
              -> Bitmap Index Scan on project_search_trgm_idx                             0.30 ms
    /projects/?q=sinyal, the count (480 rows): 7.7 ms -> 0.20 ms; its page of rows stays 0.2 ms.
"""

from django.db import migrations

from core.migration_operations import trigram_search_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("projects", "0006_list_sort_indexes")]

    operations = [trigram_search_index("projects_project", "project_search_trgm_idx")]
