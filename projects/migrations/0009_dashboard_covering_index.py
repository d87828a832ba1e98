"""project_status_code_idx includes `last_update_on`: the dashboard's count of active projects due an update.

Measured on `kopru_bench` (10,012 projects, 1,656 active), PostgreSQL 15, EXPLAIN ANALYZE,
best of 3, the index tried on the bench database and dropped again:

    before: Aggregate -> Bitmap Heap Scan on projects_project (Recheck: status = 'active',
            Filter: last_update_on IS NULL OR last_update_on < …) -> Bitmap Index Scan
            on project_status_health_idx                            2.3 ms
    after:  Aggregate -> Index Only Scan using project_status_code_idx (status = 'active')
                                                                    0.24 ms

The list's sort by status (what the index was made for) still reads it the same way.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0006_dataversion'),
        ('projects', '0008_progress_latest_in_month'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='project_status_code_idx',
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['status', 'code'], include=('id', 'last_update_on'), name='project_status_code_idx'),
        ),
    ]
