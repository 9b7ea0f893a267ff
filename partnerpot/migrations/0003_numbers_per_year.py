"""Application numbers run per year across the year's calls ("PP-2026-7" is unique), taken
from a counter row per year instead of per call."""

from django.db import migrations, models
from django.db.models import Max


def fill_years(apps, schema_editor):
    Application = apps.get_model("partnerpot", "Application")
    ApplicationCounter = apps.get_model("partnerpot", "ApplicationCounter")
    seen: dict[int, set[int]] = {}
    for application in Application.objects.select_related("call").order_by("pk"):
        year = application.call.year
        taken = seen.setdefault(year, set())
        number = application.number
        while number in taken:  # two calls in one year numbered alike: renumber the later
            number += 1000
        taken.add(number)
        Application.objects.filter(pk=application.pk).update(year=year, number=number)
    for row in Application.objects.values("year").annotate(m=Max("number")):
        ApplicationCounter.objects.update_or_create(
            year=row["year"], defaults={"last_number": row["m"]}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerpot", "0002_pipeline_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApplicationCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(unique=True)),
                ("last_number", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="application",
            name="application_unique_number",
        ),
        migrations.AddField(
            model_name="application",
            name="year",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="år"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalapplication",
            name="year",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="år"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="call",
            name="last_number",
        ),
        migrations.RemoveField(
            model_name="historicalcall",
            name="last_number",
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                fields=("year", "number"), name="application_unique_number"
            ),
        ),
    ]
