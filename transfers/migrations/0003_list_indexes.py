"""The transfers list's sort index now ends on the id, its tie-breaker.

The default sort is `-started_on, -pk` (transfers/tables.py). With `(started_on, id)` a deep
page's subquery (`partnership/pagination.py`) is an index-only scan. It replaces
`(started_on)`: the same leading column serves the dashboard's date ranges.

Measured on `kopru_bench` (20,015 transfers), best of 5, while a benchmark run kept the
machine busy:

    /transfers/?page=400 (deferred join, OFFSET 9975)
    before: Limit -> Sort -> Seq Scan on transfers_knowhowtransfer u0 (rows=20015)   10.5 ms
            (the plain LIMIT/OFFSET: Incremental Sort -> Nested Loop Left Join
            -> Index Scan Backward using transfer_started_on_idx (rows=10002)        22.4 ms)
    after:  Limit -> Index Only Scan Backward using transfer_started_on_id_idx u0
            (rows=10000), then 25 x Index Scan using the primary key                 0.84 ms
    /transfers/, page 1: 0.10 ms -> 0.06 ms (no Incremental Sort on the id any more).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("transfers", "0002_add_version")]

    operations = [
        migrations.RemoveIndex(model_name="knowhowtransfer", name="transfer_started_on_idx"),
        migrations.AddIndex(
            model_name="knowhowtransfer",
            index=models.Index(fields=["started_on", "id"], name="transfer_started_on_id_idx"),
        ),
    ]
