"""Seed data taken from the source documents, shared by the services and the data migration.

Kept as plain data (no model imports) so a migration can use it with historical models.
"""

from __future__ import annotations

# Working-group guide (seeds/002): "Forslag til punkter på agendaen".
# meeting kind -> (template name, [(item title, item kind)])
AGENDA_TEMPLATES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "start_up": (
        "Oppstartsmøte i arbeidsgruppa",
        [
            ("Valg av leder", "decision"),
            ("Valg av budsjettansvarlig", "decision"),
            ("Bemanning av gruppa", "decision"),
            ("Årshjul/plan for aktiviteten i arbeidsgruppa", "decision"),
            ("Budsjett/plan for disponering av arbeidsgruppas midler", "decision"),
        ],
    ),
    "before_partner_meeting": (
        "Underveismøte i arbeidsgruppa",
        [
            ("Oppfølging av tiltak", "information"),
            ("Søknader til Partnerpotten", "information"),
            ("Saker til Partnermøte", "decision"),
            ("Saker til Gruppeledermøte", "decision"),
        ],
    ),
    "reporting": (
        "Rapporteringsmøte i arbeidsgruppa",
        [
            ("Rapportering på grunnbevilgning og tiltak", "decision"),
            ("Regnskap for arbeidsgruppa", "decision"),
            ("Innspill til budsjett og planer for neste år", "decision"),
        ],
    ),
}

# Action plan (seeds/000) §8: the attachments and the body that adopts each (R12).
# (key, title, responsible body kind)
GOVERNING_DOCUMENTS: list[tuple[str, str, str]] = [
    ("kjennetegn-maloppnaelse", "Kjennetegn på partnerskapets måloppnåelse", "leaders"),
    ("plan-presentasjon-egne-tiltak", "Plan for presentasjon av partnerens egne tiltak", "leaders"),
    ("prinsipper-ledermote", "Prinsipper for ledermøte", "leaders"),
    ("prinsipper-au", "Prinsipper for AU", "partners"),
    ("tiltaksplaner-felles-tiltak", "Tiltaksplaner for felles tiltak", "partners"),
    ("kriterier-partnerpotten", "Kriterier for partnerpotten", "partners"),
    ("prinsipper-arbeidsgrupper", "Prinsipper for arbeidsgrupper", "partners"),
    ("prinsipper-partnermote", "Prinsipper for partnermøte", "partners"),
]


def seed_agenda_templates(template_model, item_model) -> int:
    """Create the missing templates (never touches ones that exist: they may have been edited).

    Takes the models so the data migration can pass its historical ones. Returns
    how many templates were created.
    """
    created = 0
    for kind, (name, items) in AGENDA_TEMPLATES.items():
        template, was_created = template_model.objects.get_or_create(
            meeting_kind=kind, defaults={"name": name}
        )
        if not was_created:
            continue
        created += 1
        item_model.objects.bulk_create(
            item_model(template=template, position=i, title=title, kind=item_kind)
            for i, (title, item_kind) in enumerate(items, start=1)
        )
    return created
