"""Migration operations that more than one app's migrations use.

Migrations import this module: change what a function does only together with a new
migration, never in place.
"""

from django.db import migrations


def trigram_search_index(table: str, index: str) -> migrations.RunPython:
    """A PostgreSQL trigram (GIN) index on `table`'s search_text; nothing on other databases.

    `search_text LIKE '%…%'` then reads the index instead of every row. `pg_trgm` is a trusted
    extension since PostgreSQL 13. The index is built CONCURRENTLY, so writes go on while it
    builds and the migration must be non-atomic (`atomic = False`). Going back drops the
    index and keeps the extension, which the other apps' indexes use too.
    """

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index} ON {table} USING gin (search_text gin_trgm_ops)"
            )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index}")

    return migrations.RunPython(forward, backward)
