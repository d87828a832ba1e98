"""transfer_started_on_id_idx includes the columns the dashboard sums per direction.

The dashboard reads a period's transfers in total and per direction between the parties:
count, hours and participants, by provider and recipient. Measured on `kopru_bench` (20,000
transfers, 1,877 in 2026), PostgreSQL 15, EXPLAIN ANALYZE, best of 3, the index tried on the
bench database and dropped again:

    before: Aggregate -> Bitmap Heap Scan on transfers_knowhowtransfer -> Bitmap Index Scan
            on transfer_started_on_id_idx                           3.2 ms
    after:  Aggregate -> Index Only Scan using transfer_started_on_id_idx
                                                                    0.55 ms

The list's default sort and deep pages (what the index was made for) read it as before.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0006_dataversion'),
        ('projects', '0009_dashboard_covering_index'),
        ('transfers', '0004_search_trigram'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='knowhowtransfer',
            name='transfer_started_on_id_idx',
        ),
        migrations.AddIndex(
            model_name='knowhowtransfer',
            index=models.Index(fields=['started_on', 'id'], include=('provider', 'recipient', 'hours', 'participants'), name='transfer_started_on_id_idx'),
        ),
    ]
