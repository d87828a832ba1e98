"""Re-create the milestone trigger of 0002 on SQLite.

SQLite cannot alter a table in place: Django rebuilds projects_milestone when a
column is added (0004 added `version`), and the rebuild drops its triggers.
PostgreSQL keeps them. Any future migration that alters projects_milestone must
end with this same step; tests/test_constraints.py fails if the trigger is missing.
"""

import importlib

from django.db import migrations

trigger = importlib.import_module("projects.migrations.0002_milestone_completed_after_project_start")


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in trigger.SQLITE_BACKWARD + trigger.SQLITE_FORWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_add_version")]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
