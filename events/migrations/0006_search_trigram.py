"""A trigram index on events' search text, so `search_text LIKE '%…%'` stops scanning every row.

PostgreSQL only, like projects' 0002 and 0007: SQLite has no trigram index and keeps
its plain scan, which is fine at demo size. `pg_trgm` is a trusted extension since
PostgreSQL 13, so the database owner may create it. The index is built CONCURRENTLY (so
a non-atomic migration) to keep writes going while it builds. Queries shorter than 3 characters still scan.

Measured on `kopru_bench` (5,012 events), best of 5, while a benchmark run kept the
machine busy:

    /events/?q=sinyal&when=all, the count (257 rows)
    before: Aggregate -> Seq Scan on events_event
              Filter: (search_text ~~ '%sinyal%')  Rows Removed by Filter: 4755      1.5 ms
    after:  Aggregate -> Bitmap Heap Scan on events_event
              -> Bitmap Index Scan on event_search_trgm_idx                          0.09 ms
    The page of rows stays 0.18 ms.
"""

from django.db import migrations

from core.migration_operations import trigram_search_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("events", "0005_list_indexes")]

    operations = [trigram_search_index("events_event", "event_search_trgm_idx")]
