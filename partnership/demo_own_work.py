"""Demo pages of partners' own work (issue 12 §6, R13) for ``manage.py seed_demo``.

Three partners' pages: a municipal network's strategy for strong communities of children
(built on the example seed 003, a municipality's strategy), an organisation's guidelines
against bullying and harassment at work (built on seed 004), and a pupils' network's routine.
The texts are the demo's own summaries. Idempotent: a partner whose page has items is left alone.
"""

from __future__ import annotations

import datetime as dt

from . import services_own_work
from .models import OwnWork, Partner

PAGES = {
    "Demo-KNV": [
        {
            "kind": OwnWork.Kind.STRATEGY,
            "title": "Stein, saks, papir – strategi for sterke barnefellesskap",
            "description": (
                "Kommunenes strategi for gode oppvekstvilkår, laget sammen med et ekspertutvalg "
                "av innbyggere mellom 13 og 86 år. Oppvekst er ingen lek, men et felles ansvar: "
                "familie, nettverk og nærmiljø er like viktige som kommunen. Strategien vil bygge "
                "fellesskap der alle barn og unge hører til, og gi dem og foreldrene en større "
                "rolle i løsningene."
            ),
            "target_group": "Barn og unge 0–18 år, foreldre og alle som jobber med dem",
            "starts_on": dt.date(2021, 1, 1),
            "ends_on": dt.date(2030, 12, 31),
            "link": "https://example.org/demo/sterke-barnefellesskap",
        },
        {
            "kind": OwnWork.Kind.INITIATIVE,
            "title": "Fellesskapsuka i barnehager og skoler",
            "description": (
                "En uke hver høst der barnehager og skoler arbeider med vennskap og inkludering, "
                "med materiell fra strategien."
            ),
            "target_group": "Barnehager og skoler i nettverket",
            "starts_on": dt.date(2023, 9, 1),
            "ends_on": None,
            "link": "",
        },
    ],
    "Demo-FAB": [
        {
            "kind": OwnWork.Kind.ROUTINE,
            "title": "Retningslinjer mot mobbing og trakassering",
            "description": (
                "Retningslinjene gjelder alle ansatte, også midlertidige og innleide, og de "
                "samme kravene stilles til frivillige. De sier hva som er akseptabel og "
                "uakseptabel atferd, forebygger mobbing og trakassering, klargjør ansvar og "
                "roller, og gir ledere og ansatte en ryddig og forsvarlig måte å håndtere "
                "saker på. Alle påstander undersøkes seriøst, raskt og konfidensielt, i tråd "
                "med arbeidsmiljøloven."
            ),
            "target_group": "Ansatte, innleide og frivillige",
            "starts_on": dt.date(2022, 1, 1),
            "ends_on": None,
            "link": "https://example.org/demo/retningslinjer-mobbing-trakassering",
        },
    ],
    "Demo-ERN": [
        {
            "kind": OwnWork.Kind.INITIATIVE,
            "title": "Elevrådskurs om trygt skolemiljø",
            "description": (
                "Elevrådene lærer om elevenes rett til et trygt og godt skolemiljø (opplæringsloven "
                "kapittel 12) og hvordan de kan si fra på vegne av medelever."
            ),
            "target_group": "Elevråd i ungdomsskolen og videregående",
            "starts_on": dt.date(2024, 8, 15),
            "ends_on": dt.date(2026, 6, 20),
            "link": "",
        },
    ],
}


def seed(stdout=None) -> None:
    say = stdout.write if stdout else (lambda _text: None)
    for short_name, items in PAGES.items():
        partner = Partner.objects.filter(short_name=short_name).first()
        if partner is None or partner.own_work.exists():
            continue
        for item in items:
            services_own_work.own_work_save(partner=partner, **item)
        say(f"  eget arbeid: {partner.short_name} ({len(items)})")
