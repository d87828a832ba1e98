"""A trigram index on know-how transfers' search text, so `search_text LIKE '%…%'` stops
scanning every row.

PostgreSQL only, like projects' 0002 and 0007: SQLite has no trigram index and keeps
its plain scan, which is fine at demo size. `pg_trgm` is a trusted extension since
PostgreSQL 13, so the database owner may create it. The index is built CONCURRENTLY (so
a non-atomic migration) to keep writes going while it builds. Queries shorter than 3 characters still scan.

Measured on `kopru_bench` (20,015 transfers), best of 5, while a benchmark run kept the
machine busy:

    /transfers/?q=sinyal, the count (994 rows)
    before: Aggregate -> Seq Scan on transfers_knowhowtransfer
              Filter: (search_text ~~ '%sinyal%')  Rows Removed by Filter: 19021     8.4 ms
    after:  Aggregate -> Bitmap Heap Scan on transfers_knowhowtransfer
              -> Bitmap Index Scan on transfer_search_trgm_idx                       0.37 ms
    The page of rows: 0.54 ms -> 0.42 ms.
"""

from django.db import migrations

from core.migration_operations import trigram_search_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("transfers", "0003_list_indexes")]

    operations = [trigram_search_index("transfers_knowhowtransfer", "transfer_search_trgm_idx")]
