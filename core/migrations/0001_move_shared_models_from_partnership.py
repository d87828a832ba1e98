"""Attachments and the data version move to core; their tables keep their names and rows."""

import core.models
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = ["attachment", "historicalattachment", "dataversion"]


def rename_content_types(apps, schema_editor):
    """Keep the content types (and so the permissions and admin log) of the moved models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="partnership", model__in=MOVED).update(app_label="core")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partnership', '0006_dataversion'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DataVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveBigIntegerField(default=0, verbose_name='number')),
                    ],
                    options={
                        'verbose_name': 'data version',
                        'verbose_name_plural': 'data versions',
                        'db_table': 'partnership_dataversion',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalAttachment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField(verbose_name='record id')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('file', models.TextField(max_length=200, verbose_name='file')),
                        ('original_name', models.CharField(max_length=255, verbose_name='original file name')),
                        ('kind', models.CharField(max_length=10, verbose_name='kind')),
                        ('size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                        ('uploaded_at', models.DateTimeField(blank=True, editable=False, verbose_name='uploaded at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('content_type', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype', verbose_name='record type')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('uploaded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'historical attachment',
                        'verbose_name_plural': 'historical attachments',
                        'db_table': 'partnership_historicalattachment',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Attachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField(verbose_name='record id')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('file', models.FileField(max_length=200, upload_to=core.models.attachment_path, verbose_name='file')),
                        ('original_name', models.CharField(max_length=255, verbose_name='original file name')),
                        ('kind', models.CharField(max_length=10, verbose_name='kind')),
                        ('size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                        ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype', verbose_name='record type')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                    ],
                    options={
                        'verbose_name': 'attachment',
                        'verbose_name_plural': 'attachments',
                        'db_table': 'partnership_attachment',
                        'ordering': ['-uploaded_at', '-pk'],
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='attachment_record_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('size__gt', 0)), name='attachment_not_empty', violation_error_message='The file is empty.')],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(rename_content_types, migrations.RunPython.noop)],
        ),
    ]
