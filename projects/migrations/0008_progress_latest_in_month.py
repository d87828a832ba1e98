"""Flag each project's latest progress update of each month, for the dashboard's monthly trend.

The trend averages, per month, the latest update of each project that reported that
month. It used to find those updates per request, with a ROW_NUMBER() window over a
year of updates, which had to sort them all. `latest_in_month` keeps the answer on the
row (`project_refresh_progress` maintains it), and a partial index serves the range.

Measured on `kopru_bench` (100,000 progress updates, 14,679 in the trend's 12 months),
PostgreSQL 15, EXPLAIN (ANALYZE, BUFFERS), best of 5 (the machine was busy with a benchmark
run: expect less on a quiet one):

    before: Aggregate -> Subquery Scan (latest_first = 1) -> WindowAgg -> Sort (quicksort,
            1531kB) -> Index Only Scan using progress_reported_cover_idx (rows=14679)
                                                                    14.1-20.9 ms
    after:  HashAggregate (group: the month) -> Index Only Scan using
            progress_month_latest_idx (rows=14647, Heap Fetches: 0)  4.8-5.4 ms

The data step flags the rows already there, with the same window query, once.
"""

from django.db import migrations, models
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber, TruncMonth


def flag_latest_in_month(apps, schema_editor):
    ProgressUpdate = apps.get_model("projects", "ProgressUpdate")
    updates = ProgressUpdate.objects.using(schema_editor.connection.alias)
    latest = (
        updates.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("project_id"), TruncMonth("reported_on")],
                order_by=[F("reported_on").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values("pk")
    )
    updates.update(latest_in_month=ExpressionWrapper(Q(pk__in=latest), output_field=BooleanField()))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_search_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressupdate",
            name="latest_in_month",
            field=models.BooleanField(default=False, editable=False, verbose_name="latest of its month"),
        ),
        migrations.RunPython(flag_latest_in_month, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(
                condition=models.Q(("latest_in_month", True)),
                fields=["reported_on"],
                include=("project", "percent_complete"),
                name="progress_month_latest_idx",
            ),
        ),
    ]
