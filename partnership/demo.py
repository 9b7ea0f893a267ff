"""Demo data shared by ``manage.py seed_demo``, ``manage.py demo_logins`` and the benchmark.

Everything here is fictional: the people, the e-mail addresses (``@demo.example.no``),
the organisation numbers and the "Demo: …" partners. The six state actors have
their real names, but fictional organisation numbers.

The list of demo logins (role → e-mail) lives here only, so the seed and the
printed table cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from .validators import organisation_number_is_valid

DEMO_DOMAIN = "demo.example.no"
DEMO_PASSWORD = "demo-passord-2026"
# The fixed TOTP secret (base32) of the demo logins that must use a second factor.
# Add it to an authenticator app by hand, or compute a code with
# `manage.py demo_logins`. Never use a fixed secret outside the demo.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


# --- Organisation numbers -----------------------------------------------------------
_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(first8: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(first8, _ORGNR_WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return None if check == 10 else check


def demo_organisation_number(seed: int) -> str:
    """A fictional, mod-11-valid organisation number, the same for the same ``seed``.

    Brønnøysund only issues numbers that begin with 8 or 9; these begin with 1,
    so they can never be a real organisation's number. Each seed owns the block
    ``10 000 000 + 10·seed … +9`` of first eight digits, so different seeds never
    collide (up to seed 8 999 999).
    """
    if not 0 <= seed < 9_000_000:
        raise ValueError(seed)
    base = 10_000_000 + seed * 10
    for k in range(10):
        first8 = f"{base + k:08d}"
        check = _check_digit(first8)
        if check is not None:
            number = f"{first8}{check}"
            assert organisation_number_is_valid(number)
            return number
    raise AssertionError("unreachable: at most one in eleven candidates lacks a check digit")


# --- Periods ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodSpec:
    kind: str  # Period.Kind value
    title: str
    starts_on: dt.date
    ends_on: dt.date


PERIODS = (
    PeriodSpec(
        "agreement",
        "Partnerskapsavtale mot mobbing 2021–2025",
        dt.date(2021, 1, 1),
        dt.date(2025, 12, 31),
    ),
    PeriodSpec(
        "action_plan", "Handlingsplan 2022–2025", dt.date(2022, 1, 1), dt.date(2025, 12, 31)
    ),
    # The portal is used after 2025, and the demo must have *current* periods; the
    # follow-on agreement and plan are assumed to run 2026–2030 (demo assumption).
    PeriodSpec(
        "agreement",
        "Partnerskapsavtale mot mobbing 2026–2030",
        dt.date(2026, 1, 1),
        dt.date(2030, 12, 31),
    ),
    PeriodSpec(
        "action_plan", "Handlingsplan 2026–2030", dt.date(2026, 1, 1), dt.date(2030, 12, 31)
    ),
)


# --- Partners ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartnerSpec:
    seed: int  # for the organisation number
    short_name: str
    name: str
    kind: str  # Partner.Kind value
    working_groups: tuple[str, ...]  # Body short names ("AG-L", "AG-N")
    representatives: int = 1  # in the Partnermøte (1–2, R2)

    @property
    def organisation_number(self) -> str:
        return demo_organisation_number(self.seed)


PARTNERS_ACTIVE_FROM = dt.date(2021, 1, 1)
LOCAL, NATIONAL = "AG-L", "AG-N"

PARTNERS = (
    # The state actors (real names, fictional organisation numbers).
    PartnerSpec(1, "KD", "Kunnskapsdepartementet", "state", (NATIONAL,)),
    PartnerSpec(2, "BFD", "Barne- og familiedepartementet", "state", (NATIONAL,)),
    PartnerSpec(3, "HOD", "Helse- og omsorgsdepartementet", "state", (NATIONAL,)),
    PartnerSpec(4, "Udir", "Utdanningsdirektoratet", "state", (LOCAL, NATIONAL), 2),
    PartnerSpec(5, "Hdir", "Helsedirektoratet", "state", (LOCAL,)),
    PartnerSpec(6, "Bufdir", "Barne-, ungdoms- og familiedirektoratet", "state", (LOCAL,)),
    # Fictional demo partners of the other kinds.
    PartnerSpec(11, "Demo-KNV", "Demo: Kommunenettverket Vest", "municipal", (LOCAL,), 2),
    PartnerSpec(12, "Demo-FFO", "Demo: Fylkesforum for oppvekst", "municipal", (NATIONAL,)),
    PartnerSpec(21, "Demo-LFS", "Demo: Lærerforbundet Sør", "union", (LOCAL,), 2),
    PartnerSpec(22, "Demo-BPF", "Demo: Barnehagepersonalets forening", "union", (LOCAL,)),
    PartnerSpec(23, "Demo-SLF", "Demo: Skoleledernes fagforening", "union", (NATIONAL,)),
    PartnerSpec(31, "Demo-FNN", "Demo: Foreldrenettverket Nord", "parents", (LOCAL,), 2),
    PartnerSpec(32, "Demo-BFR", "Demo: Barnehageforeldrenes råd", "parents", (NATIONAL,)),
    PartnerSpec(41, "Demo-ERN", "Demo: Elevrådsnettverket", "pupils", (LOCAL, NATIONAL), 2),
    PartnerSpec(42, "Demo-SFL", "Demo: Studentforum for lærerutdanning", "pupils", (NATIONAL,)),
    PartnerSpec(51, "Demo-ISR", "Demo: Idrettslagenes samarbeidsråd", "civil", (LOCAL,)),
    PartnerSpec(52, "Demo-KSN", "Demo: Kulturskolenettverket", "civil", (NATIONAL,)),
    PartnerSpec(53, "Demo-FAB", "Demo: Frivillighetsalliansen for barn", "civil", (LOCAL,)),
    PartnerSpec(54, "Demo-UKF", "Demo: Ungdomsklubbforbundet", "civil", (NATIONAL,)),
    PartnerSpec(55, "Demo-SPF", "Demo: Speiderforum Øst", "civil", (LOCAL,)),
)


# --- Bodies ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BodySpec:
    short_name: str
    name: str
    kind: str  # Body.Kind value
    mandate: str
    level: str = ""
    chairing_partner: str | None = None  # PartnerSpec.short_name
    delegated_from: str | None = None  # BodySpec.short_name
    required_meetings_per_year: int = 0
    term_years: int | None = None


BODIES = (
    BodySpec(
        "LM",
        "Ledermøte",
        "leaders",
        "Partnerskapets høyeste organ, med ansvar for ledelse, utvikling og forankring av "
        "partnernes felles forpliktelser. Består av lederne fra alle partnerorganisasjonene og "
        "ledes av Kunnskapsdepartementet på vegne av regjeringen. Møtes to ganger i året for å "
        "vedta og evaluere handlingsplanen.",
        chairing_partner="KD",
        required_meetings_per_year=2,
    ),
    BodySpec(
        "PM",
        "Partnermøte",
        "partners",
        "Består av 1–2 representanter fra hver partner og møtes fire ganger i året. Følger opp "
        "handlingsplanen, vedtar budsjett og tiltaksplaner, oppretter og bemanner arbeidsgrupper, "
        "forbereder Ledermøtet og vedtar tilskudd fra Partnerpotten og studiebesøk.",
        chairing_partner="Udir",
        required_meetings_per_year=4,
    ),
    BodySpec(
        "AU",
        "Arbeidsutvalg",
        "au",
        "Gruppeledere, økonomiansvarlige og kommunikasjonsansvarlige fra arbeidsgruppene. Har "
        "delegert myndighet fra Partnermøtet til å fatte vedtak i saker om budsjett, "
        "tiltaksplaner, arbeidsgrupper og Ledermøtet, og koordinerer arbeidet med felles tiltak.",
        delegated_from="PM",
    ),
    BodySpec(
        LOCAL,
        "Arbeidsgruppe lokalt nivå",
        "working_group",
        "Gjennomfører partnerskapets felles tiltak rettet mot lokalt nivå: Faglig forum og "
        "partnerkonferanser. Settes sammen for to år av gangen etter vedtak i Partnermøtet.",
        level="local",
        term_years=2,
    ),
    BodySpec(
        NATIONAL,
        "Arbeidsgruppe nasjonalt nivå",
        "working_group",
        "Gjennomfører partnerskapets felles tiltak rettet mot nasjonalt nivå: World Anti-Bullying "
        "Forum og Arendalsuka. Settes sammen for to år av gangen etter vedtak i Partnermøtet.",
        level="national",
        term_years=2,
    ),
    BodySpec(
        "GLM",
        "Gruppeledermøte",
        "group_leaders",
        "Møte mellom lederne av arbeidsgruppene, kalt inn av sekretariatet, for å samordne "
        "arbeidet med felles tiltak.",
        chairing_partner="Udir",
    ),
    BodySpec(
        "SEK",
        "Sekretariat",
        "secretariat",
        "Utdanningsdirektoratet, Helsedirektoratet og Barne-, ungdoms- og familiedirektoratet. "
        "Legger til rette for arbeidet i Partnermøtet og Arbeidsutvalget, forbereder og leder "
        "møter, fører regnskap, drifter nettsiden, utarbeider planer og rapporter og bistår "
        "Kunnskapsdepartementet med Ledermøtet.",
        chairing_partner="Udir",
    ),
    BodySpec(
        "AG-S",
        "Arbeidsgruppe for statlige aktører",
        "state_group",
        "Kunnskapsdepartementet, Barne- og familiedepartementet og Helse- og omsorgsdepartementet. "
        "Bidrar til god informasjonsflyt mellom departementene om saker med relevans for "
        "partnerskapet. Sekretariatet deltar ved invitasjon.",
        chairing_partner="KD",
    ),
)


# --- Demo logins: one per role ------------------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    key: str
    role: str  # in Norwegian, as shown to people trying the demo
    email: str
    full_name: str
    partner: str | None  # PartnerSpec.short_name the person works for
    totp: bool = False  # the role must use a second factor (secretariat, admin)
    superuser: bool = False


def _login_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


DEMO_LOGINS = (
    DemoLogin(
        "secretariat",
        "Sekretariatet (Udir, leder)",
        _login_email("sekretariat"),
        "Siri Sekretær",
        "Udir",
        totp=True,
    ),
    DemoLogin(
        "admin",
        "Administrator",
        _login_email("admin"),
        "Ada Administrator",
        None,
        totp=True,
        superuser=True,
    ),
    DemoLogin(
        "partner_rep",
        "Partnerrepresentant (Partnermøtet)",
        _login_email("partnerrep"),
        "Per Partnerrepresentant",
        "Demo-FNN",
    ),
    DemoLogin(
        "partner_leader",
        "Partnerleder (Ledermøtet)",
        _login_email("partnerleder"),
        "Lise Partnerleder",
        "Demo-FNN",
    ),
    DemoLogin(
        "group_member",
        "Medlem av arbeidsgruppe",
        _login_email("gruppemedlem"),
        "Gro Gruppemedlem",
        "Demo-LFS",
    ),
    DemoLogin(
        "group_leader",
        "Leder av arbeidsgruppe",
        _login_email("gruppeleder"),
        "Geir Gruppeleder",
        "Demo-KNV",
    ),
    DemoLogin(
        "finance_lead",
        "Økonomiansvarlig i arbeidsgruppe",
        _login_email("okonomi"),
        "Øyvind Økonomiansvarlig",
        "Demo-ERN",
    ),
    DemoLogin(
        "ministry",
        "Departementet (arbeidsgruppe for statlige aktører)",
        _login_email("departement"),
        "Dina Departement",
        "BFD",
    ),
    DemoLogin("user", "Innlogget bruker uten verv", _login_email("bruker"), "Bjørn Bruker", None),
)
DEMO_LOGINS_BY_KEY = {login.key: login for login in DEMO_LOGINS}


# --- Fictional names for the other demo people ----------------------------------------------------
FIRST_NAMES = (
    "Anne",
    "Bjarte",
    "Camilla",
    "Daniel",
    "Eli",
    "Fredrik",
    "Guro",
    "Håkon",
    "Ingrid",
    "Jonas",
    "Kari",
    "Lars",
    "Marit",
    "Nils",
    "Oda",
    "Pål",
    "Ragnhild",
    "Sindre",
    "Tone",
    "Ulrik",
    "Vilde",
    "Åse",
    "Erlend",
    "Hilde",
)
LAST_NAMES = (
    "Aas",
    "Berg",
    "Dahl",
    "Eide",
    "Foss",
    "Haugen",
    "Holm",
    "Lie",
    "Lund",
    "Moe",
    "Nilsen",
    "Ruud",
    "Sand",
    "Solberg",
    "Strand",
    "Tangen",
    "Vik",
    "Ødegård",
    "Åsheim",
    "Brekke",
    "Myhre",
    "Sæther",
    "Bakke",
)
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"})


def demo_person_name(n: int) -> tuple[str, str]:
    """The n-th fictional person: (full name, e-mail). Deterministic and unique per n.

    Name pairs repeat after len(FIRST_NAMES)·len(LAST_NAMES) people, so the
    e-mail carries ``n`` beyond that to stay unique (the benchmark uses many).
    """
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    # A stride co-prime with the number of surnames walks through all pairs.
    last = LAST_NAMES[(n + n // len(FIRST_NAMES) * 5) % len(LAST_NAMES)]
    local = f"{first}.{last}".lower().translate(_ASCII)
    if n >= len(FIRST_NAMES) * len(LAST_NAMES):
        local += f".{n}"
    return f"{first} {last}", f"{local}@{DEMO_DOMAIN}"


# --- TOTP codes, with allauth's own code generation ----------------------------------------------
def current_totp_code(secret: str, at: float | None = None) -> tuple[str, int]:
    """The code an authenticator app shows now for ``secret``, and seconds it stays valid."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    now = time.time() if at is None else at
    period = app_settings.TOTP_PERIOD
    counter = int(now) // period
    return format_hotp_value(hotp_value(secret, counter)), period - int(now) % period
