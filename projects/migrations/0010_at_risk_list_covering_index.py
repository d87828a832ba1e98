"""project_status_health_idx includes the code and the id, for the dashboard's at-risk list.

The list is the first 8 active projects at risk or off track, off track first, then by
code: `WHERE status = 'active' AND health IN (...) ORDER BY CASE ..., code LIMIT 8`. The
code was only on the table, so PostgreSQL read the rows of all 664 such projects to sort
them. Measured on `kopru_bench` (10,000 projects), PostgreSQL 15, EXPLAIN ANALYZE, the index
tried on the bench database and rolled back first:

    before: Limit -> Sort -> Bitmap Heap Scan on projects_project
              -> Bitmap Index Scan on project_status_health_idx             1.2-1.9 ms
    after:  Limit -> Sort -> Index Only Scan using project_status_health_idx   0.3 ms

With the outer query reading the two lists by primary key (dashboard.queries.AmongIds)
instead of testing every active project against them, the lists' query went from
5-7 ms to 1.8 ms. The counts per status and health read the same index as before.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0006_dataversion'),
        ('projects', '0009_dashboard_covering_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='project_status_health_idx',
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['status', 'health'], include=('code', 'id'), name='project_status_health_idx'),
        ),
    ]
