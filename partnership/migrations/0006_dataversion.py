from django.db import migrations, models


def create_the_row(apps, schema_editor):
    apps.get_model("partnership", "DataVersion").objects.create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0005_https_url_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(default=0, verbose_name="number")),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data versions",
                "ordering": ["pk"],
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
