"""A project's status and health must be one of their choices, in the database too.

Forms and the import already refuse anything else; with the constraints behind them,
"open" can be asked as the open statuses (ProjectQuerySet.open), which an index on the
status reads alone. The dashboard's overdue-milestone count, on `kopru_bench` (10,000
projects, 2,570 open), PostgreSQL 15, EXPLAIN ANALYZE:

    NOT (status IN ('completed', 'cancelled'))       3.5-4.1 ms (every project's index entry)
    status IN ('proposed', 'planned', 'active', 'on_hold')   2.2-2.4 ms

On SQLite, adding a constraint rebuilds projects_project, and the milestone trigger of 0002
reads that table: SQLite refuses the rebuild while the trigger exists ("error in trigger …:
no such table"). The trigger is dropped first and re-created last, on SQLite only.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

trigger = importlib.import_module("projects.migrations.0002_milestone_completed_after_project_start")


def sqlite_only(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


drop_trigger = sqlite_only(trigger.SQLITE_BACKWARD)
create_trigger = sqlite_only(trigger.SQLITE_FORWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0006_dataversion'),
        ('projects', '0010_at_risk_list_covering_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_trigger, create_trigger),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['proposed', 'planned', 'active', 'on_hold', 'completed', 'cancelled'])), name='project_status_valid', violation_error_message='The status must be one of the listed statuses.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('health__in', ['on_track', 'at_risk', 'off_track'])), name='project_health_valid', violation_error_message='The health must be on track, at risk or off track.'),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
