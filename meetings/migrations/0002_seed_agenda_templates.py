"""Seed the agenda templates of the working-group guide (seeds/002).

Only missing templates are created, so templates the secretariat has edited are
left alone; unapplying leaves them too (they may have been edited since).
"""

from django.db import migrations

from meetings.seeds import seed_agenda_templates


def seed(apps, schema_editor):
    seed_agenda_templates(
        apps.get_model("meetings", "AgendaTemplate"),
        apps.get_model("meetings", "AgendaTemplateItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
