"""Seed data taken from the source documents, shared by the services and the data migration.

Kept as plain data (no model imports) so a migration can use it with historical models.
"""

from __future__ import annotations

# (body kind, meeting kind) -> (template name, [(item title, item kind)])
# The working groups' three: the working-group guide (seeds/002), "Forslag til punkter på
# agendaen". The Partnermøte's and the AU's: their mandates in the action plan (seeds/000,
# "Partnermøte: Oppfølging og samarbeid" and "Arbeidsutvalg: Beslutning, koordinering og
# utvikling"), with the formal items every meeting opens with. An extraordinary meeting
# handles only what it was called for, so its template has no "Eventuelt". Delegated
# decisions reach the Partnermøte's agenda on their own (referatsaker), so no template has them.
_OPENING = [
    ("Godkjenning av innkalling og saksliste", "decision"),
    ("Godkjenning av protokoll fra forrige møte", "decision"),
]
AGENDA_TEMPLATES: dict[tuple[str, str], tuple[str, list[tuple[str, str]]]] = {
    ("working_group", "start_up"): (
        "Oppstartsmøte i arbeidsgruppa",
        [
            ("Valg av leder", "decision"),
            ("Valg av budsjettansvarlig", "decision"),
            ("Bemanning av gruppa", "decision"),
            ("Årshjul/plan for aktiviteten i arbeidsgruppa", "decision"),
            ("Budsjett/plan for disponering av arbeidsgruppas midler", "decision"),
        ],
    ),
    ("working_group", "before_partner_meeting"): (
        "Underveismøte i arbeidsgruppa",
        [
            ("Oppfølging av tiltak", "information"),
            ("Søknader til Partnerpotten", "information"),
            ("Saker til Partnermøte", "decision"),
            ("Saker til Gruppeledermøte", "decision"),
        ],
    ),
    ("working_group", "reporting"): (
        "Rapporteringsmøte i arbeidsgruppa",
        [
            ("Rapportering på grunnbevilgning og tiltak", "decision"),
            ("Regnskap for arbeidsgruppa", "decision"),
            ("Innspill til budsjett og planer for neste år", "decision"),
        ],
    ),
    ("partners", "ordinary"): (
        "Ordinært partnermøte",
        [
            *_OPENING,
            ("Oppfølging av handlingsplanen og de felles tiltakene", "information"),
            ("Budsjett og tiltaksplaner for felles tiltak", "decision"),
            ("Arbeidsgrupper: opprettelse og bemanning", "decision"),
            ("Søknader til Partnerpotten og studiebesøk", "decision"),
            ("Forberedelse av ledermøtet", "decision"),
            ("Orientering fra partnerne", "information"),
            ("Eventuelt", "information"),
        ],
    ),
    ("partners", "extraordinary"): (
        "Ekstraordinært partnermøte",
        [
            ("Godkjenning av innkalling og saksliste", "decision"),
            ("Saken møtet er kalt inn for", "decision"),
        ],
    ),
    ("au", "ordinary"): (
        "Ordinært møte i arbeidsutvalget",
        [
            *_OPENING,
            ("Budsjett (delegert fra partnermøtet)", "decision"),
            ("Tiltaksplaner for felles tiltak (delegert fra partnermøtet)", "decision"),
            ("Arbeidsgruppene: koordinering av de felles tiltakene", "information"),
            ("Barn og unges involvering og medvirkning", "information"),
            ("Forberedelse av ledermøtet", "decision"),
            ("Saker til partnermøtet", "decision"),
            ("Eventuelt", "information"),
        ],
    ),
    ("au", "extraordinary"): (
        "Ekstraordinært møte i arbeidsutvalget",
        [
            ("Godkjenning av innkalling og saksliste", "decision"),
            ("Saken møtet er kalt inn for", "decision"),
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

    Takes the models so the data migrations can pass their historical ones. Before the body
    kind existed (migration 0002) a template was keyed by its meeting kind alone; then only
    the working groups' are made. Returns how many templates were created.
    """
    keyed_by_body = any(f.name == "body_kind" for f in template_model._meta.get_fields())
    created = 0
    for (body_kind, kind), (name, items) in AGENDA_TEMPLATES.items():
        if keyed_by_body:
            key = {"body_kind": body_kind, "meeting_kind": kind}
        elif body_kind == "working_group":
            key = {"meeting_kind": kind}
        else:
            continue
        template, was_created = template_model.objects.get_or_create(**key, defaults={"name": name})
        if not was_created:
            continue
        created += 1
        item_model.objects.bulk_create(
            item_model(template=template, position=i, title=title, kind=item_kind)
            for i, (title, item_kind) in enumerate(items, start=1)
        )
    return created
