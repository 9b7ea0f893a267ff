"""The action plan's own words (000 §4, §5): the goals and the common measures, as the plan
states them. Stored text, not UI strings: seeded once, then edited by the secretariat."""

from __future__ import annotations

OVERALL_GOAL = {
    "number": 0,
    "title": "Overordnet mål",
    "text": ("Alle barn og unge skal ha et godt barnehage-, fritids- og skolemiljø uten mobbing."),
    "explanation": (
        "Partnerskapet eksisterer fordi voksne har ansvaret for at barn og unge har det trygt "
        "og godt. Voksne må samarbeide for å utvikle et helhetlig og inkluderende oppvekst- og "
        "læringsmiljø."
    ),
}

SUB_GOALS = [
    {
        "number": 1,
        "title": "Mobbing på dagsorden",
        "text": "Sette arbeidet mot alle former for mobbing på dagsorden.",
        "explanation": (
            "Ved å sette arbeidet mot alle former for mobbing på dagsorden, vil partnere bidra "
            "til debatt, kunnskapsutvikling og refleksjon om hvordan barn og unge påvirkes av "
            "ulike former for mobbing. Aktuelle former kan for eksempel være fysisk, verbal og "
            "indirekte mobbing, men også identitetsbasert mobbing og digital mobbing."
        ),
    },
    {
        "number": 2,
        "title": "Barn og unge involvert",
        "text": (
            "Bidra til at barn og unge blir involvert i et helhetlig arbeid for et inkluderende "
            "oppvekst- og læringsmiljø."
        ),
        "explanation": (
            "Partnerne vil involvere barn og unge i sine felles tiltak og stille krav til barn "
            "og unges medvirkning i prosjekter som kan motta støtte fra partnerskapet."
        ),
    },
    {
        "number": 3,
        "title": "Kompetanse og kapasitet lokalt",
        "text": (
            "Samarbeide med relevante aktører for å styrke og utvikle kompetanse og kapasitet "
            "til å motvirke mobbing i lokalsamfunnet."
        ),
        "explanation": (
            "Partnerne vil bidra til å inspirere, men også dokumentere, og dele erfaringer med "
            "godt forebyggende arbeid i lokalsamfunnet, og til etablering av forpliktende lokale "
            "samarbeid og en felles holdning og praksis for gode oppvekst- og læringsmiljø."
        ),
    },
]

# (name, category, target count, per years, sub-goal numbers, level of the responsible group,
#  description)
MEASURES = [
    (
        "Faglig forum",
        "local",
        2,
        1,
        (1, 3),
        "local",
        "Et digitalt eller fysisk fagseminar som skal sette aktuelle utfordringer og spørsmål i "
        "arbeidet mot mobbing på dagsorden. Faglig forum gjennomføres to ganger i året. "
        "Formålet er å dele erfaringer, bidra til økt kunnskap og inspirere til økt innsats og "
        "samarbeid mot mobbing mellom aktører på nasjonalt og lokalt nivå.",
    ),
    (
        "Partnerkonferanser",
        "local",
        None,
        1,
        (2, 3),
        "local",
        "Lokale og regionale samlinger som skal bidra til å etablere arenaer for "
        "erfaringsdeling og varige strukturer som kan styrke det lokale og regionale "
        "samarbeidet mot mobbing, og legge til rette for regionale partnerskap mot mobbing.",
    ),
    (
        "World Anti-Bullying Forum",
        "national",
        None,
        1,
        (1, 3),
        "national",
        "En internasjonal konferanse med noen av verdens ledende fagpersoner på arbeid mot "
        "mobbing. Deltakelse gir nettverk og samarbeid med internasjonale aktører og oppdatert "
        "kunnskap for et kunnskapsbasert arbeid mot mobbing i Norge.",
    ),
    (
        "Arendalsuka",
        "national",
        1,
        1,
        (1,),
        "national",
        "Norges største politiske møteplass, arrangert årlig. Partnerskapet deltar for å bidra "
        "til og holde seg oppdatert på det nasjonale ordskiftet om mobbing: stand, egne "
        "seminarer, presse- og kommunikasjonsarbeid.",
    ),
    (
        "Partnerpotten",
        "support",
        1,
        1,
        (2, 3),
        "",
        "En intern tilskuddsordning som gir støtte til prosjekter og samarbeid mellom "
        "partnerne og andre lokale og nasjonale aktører, etter kriterier partnerne fastsetter.",
    ),
    (
        "Studiebesøk",
        "support",
        1,
        2,
        (3,),
        "",
        "Et internt kompetansehevingstiltak der partnerne besøker relevante miljøer i Norge "
        "eller i utlandet. Studiebesøk kan arrangeres hvert andre år, eller etter ønske fra "
        "partnerne.",
    ),
]
