"""Attachments and the data version now belong to core (see core/migrations/0001): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_move_shared_models_from_partnership'),
        ('partnership', '0006_dataversion'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='attachment',
                    name='content_type',
                ),
                migrations.RemoveField(
                    model_name='attachment',
                    name='uploaded_by',
                ),
                migrations.DeleteModel(
                    name='DataVersion',
                ),
                migrations.RemoveField(
                    model_name='historicalattachment',
                    name='content_type',
                ),
                migrations.RemoveField(
                    model_name='historicalattachment',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalattachment',
                    name='uploaded_by',
                ),
                migrations.DeleteModel(
                    name='Attachment',
                ),
                migrations.DeleteModel(
                    name='HistoricalAttachment',
                ),
            ],
            database_operations=[],
        ),
    ]
