"""event_starts_at_id_idx holds ends_at as a key column, no longer as an included one.

The upcoming tab, the dashboard's and the home page's next events ask for events not ended
yet, soonest first: `WHERE ends_at >= now() ORDER BY starts_at, id LIMIT n`. PostgreSQL walks
the index in that order. On an included column, the end can only be tested on the table's
row, so it read the row of every past event first; on a key column it is an index condition.
Measured on `kopru_bench` (5,011 events, 242 not ended), PostgreSQL 15, EXPLAIN ANALYZE, the
index tried on the bench database and rolled back:

    before: Limit -> Index Scan using event_starts_at_id_idx
              Filter: (ends_at >= now()), Rows Removed by Filter: 4769      4.1 ms (25 rows)
    after:  Limit -> Index Scan using event_starts_at_id_idx
              Index Cond: (ends_at >= now())                              0.24 ms (25 rows)

The dashboard's next 8 events: 5.3 ms -> 0.25 ms. Before, the time grew with every year of
past events. The sorts and the deep pages' index-only scans read the index as before.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0006_search_trigram'),
        ('partnership', '0006_dataversion'),
        ('projects', '0009_dashboard_covering_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='event',
            name='event_starts_at_id_idx',
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['starts_at', 'id', 'ends_at'], name='event_starts_at_id_idx'),
        ),
    ]
