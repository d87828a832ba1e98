"""The events list's sort index now ends on the id and carries ends_at.

Both tabs sort on starts_at with the id as tie-breaker (events/tables.py), and split on
ends_at (upcoming: not ended yet; past: ended). With `(starts_at, id) INCLUDE (ends_at)` a
deep page's subquery (`partnership/pagination.py`) is an index-only scan. It replaces
`(starts_at)`: the same leading column serves the dashboard's and the calendar's date ranges.

Measured on `kopru_bench` (5,012 events), best of 5, while a benchmark run kept the
machine busy:

    /events/?when=past&page=100 (deferred join, OFFSET 2475)
    before: Limit -> Sort -> Seq Scan on events_event u0 (rows=4769)              1.3 ms
            (the plain LIMIT/OFFSET on event_starts_at_idx, before the deferred join: 8.9 ms)
    after:  Limit -> Index Only Scan Backward using event_starts_at_id_idx u0
            (rows=2500), then 25 x Index Scan using events_event_pkey           0.27 ms
    /events/?when=past, page 1: 0.07 ms -> 0.05 ms.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0004_https_url_fields")]

    operations = [
        migrations.RemoveIndex(model_name="event", name="event_starts_at_idx"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["starts_at", "id"], include=("ends_at",), name="event_starts_at_id_idx"),
        ),
    ]
