"""Demo data for Partnerpotten and study visits (`manage.py seed_demo`, after meetings.demo).

What it makes, through ``partnerpot.services`` and ``meetings.services``:

- "Kriterier for Partnerpotten" in force: a version adopted by the Partnermøte in March last
  year (R12);
- last year's round, "Partnerpotten <last year>": closed in August and decided by the
  Partnermøte in September: a grant (Demo-KNV) whose report is approved and which is closed, a
  partly granted application (Demo-FNN) paid out and with its final report due, and a rejected
  one (Demo-LFS); an approved study visit (Demo-ERN and Demo-ISR) was decided at the same
  meeting, and that meeting's minutes are approved;
- this year's round, "Partnerpotten <this year>": open, closing in three weeks, decided by the
  next Partnermøte after the deadline: a draft with gaps in its checklist (Demo-FNN, the
  partner representative's login), a submitted application (Demo-ERN) and one the
  secretariat has asked for more information about (Demo-KNV);
- a study visit proposal (Demo-FNN and Demo-KNV) waiting to go on the agenda.

Logins with something to do: partnerrep@ (FNN's draft, FNN's final report, FNN's study visit
proposal), gruppeleder@ (KNV: answer the information request), okonomi@ (ERN: the approved
study visit's report), sekretariat@ (assess, put the proposal on the agenda).

Past dates: the services judge deadlines by the clock, so last year's round is run now and
then moved back (the call's dates, the submissions), the way meetings.demo backdates a
notice: with ``update()`` on the rows, before the meeting decides. Two Partnermøte meetings
of last year are made for it (the year plan's March and September slots). Idempotent: each
round is looked up by its call's title (the study-visit proposal by its title) and skipped
when it is there; everything runs in seed_demo's transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import OSLO, Attendance, DocumentVersion, Meeting, Minutes
from partnership.demo import DEMO_LOGINS_BY_KEY
from partnership.models import Body, Membership, Partner, Person

from . import services
from .models import Application, Assessment, BudgetLine, Call, CoApplicant, StudyVisit

CRITERIA_TEXT = """Kriterier for Partnerpotten

Partnermøtet vedtar tilskudd fra Partnerpotten etter disse kriteriene:

- Prosjektet bidrar til partnerskapets overordnede mål og til minst ett av de tre delmålene.
- Barn og unge medvirker i planleggingen og gjennomføringen av prosjektet.
- Prosjektet er et samarbeid mellom partnere og/eller andre lokale og nasjonale aktører.
- Prosjektet tar for seg en eller flere former for mobbing, også digital mobbing.
- Budsjettet er realistisk, og søkeren bidrar med egne ressurser.
- Erfaringene deles med partnerskapet i en sluttrapport.
"""

PROPOSAL_TITLE = "Studiebesøk til Reykjavik: foreldre og skole sammen mot mobbing"
APPROVED_VISIT_TITLE = "Studiebesøk til Malmö: elevrådenes arbeid mot digital mobbing"

MEETING_START, MEETING_LENGTH = dt.time(10, 0), dt.timedelta(hours=5)


def _oslo(day: dt.date, at: dt.time = dt.time(12, 0)) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=OSLO)


def _second_wednesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(2 - first.weekday()) % 7 + 7)


class _Demo:
    def __init__(self, stdout=None):
        self.say = stdout.write if stdout else (lambda _text: None)
        self.today = timezone.localdate()
        self.year = self.today.year
        self.people = {
            key: Person.objects.get(email=DEMO_LOGINS_BY_KEY[key].email)
            for key in (
                "secretariat",
                "partner_rep",
                "group_leader",
                "finance_lead",
                "group_member",
            )
        }
        self.secretariat = self.people["secretariat"]
        self.partners = {
            p.short_name: p
            for p in Partner.objects.filter(
                short_name__in=["Demo-FNN", "Demo-KNV", "Demo-ERN", "Demo-LFS", "Demo-ISR"]
            )
        }
        self.body = Body.objects.filter(kind=Body.Kind.PARTNERS).order_by("pk").first()

    # --- Meetings ------------------------------------------------------------------------------
    def past_partner_meeting(self, *, year: int, slot: int, month: int) -> Meeting | None:
        """A Partnermøte of the year plan's slot that has taken place, notice sent and open for
        items; made if missing (at the time the year plan gives it). None if it is closed."""
        plan_slot = f"{year}:{Meeting.Kind.ORDINARY}:{slot}"
        meeting = Meeting.objects.filter(body=self.body, plan_slot=plan_slot).first()
        if meeting is None:
            starts = _oslo(_second_wednesday(year, month), MEETING_START)
            meeting = meeting_services.meeting_create(
                body=self.body,
                starts_at=starts,
                ends_at=starts + MEETING_LENGTH,
                plan_slot=plan_slot,
                created_by=self.secretariat,
            )
        if meeting.status == Meeting.Status.PLANNED:
            # The notice went out a week before (the demo starts after the fact).
            Meeting.objects.filter(pk=meeting.pk).update(
                status=Meeting.Status.NOTICE_SENT,
                notice_sent_at=meeting.starts_at - dt.timedelta(days=7),
            )
            meeting.refresh_from_db()
        if meeting.status not in (Meeting.Status.NOTICE_SENT, Meeting.Status.HELD):
            return None
        return meeting

    def upcoming_partner_meeting(self, *, after: dt.datetime) -> Meeting | None:
        return (
            Meeting.objects.filter(
                body=self.body,
                kind=Meeting.Kind.ORDINARY,
                status__in=Meeting.UPCOMING_STATUSES,
                starts_at__gt=after,
            )
            .order_by("starts_at")
            .first()
        )

    def finish_meeting(self, meeting: Meeting) -> None:
        """Attendance, minutes with the decisions, approved by circulation."""
        seats = (
            Membership.objects.active_on(meeting.local_date)
            .filter(body=meeting.body)
            .select_related("person")
            .order_by("pk")
        )
        for index, seat in enumerate(seats):
            status = (
                Attendance.Status.ABSENT_WITH_NOTICE
                if index % 7 == 3
                else Attendance.Status.PRESENT
            )
            meeting_services.attendance_record(
                meeting=meeting, person=seat.person, status=status, by=self.secretariat
            )
        minutes = meeting_services.minutes_start(meeting=meeting, by=self.secretariat)
        for entry in minutes.entries.select_related("agenda_item"):
            item = entry.agenda_item
            decision = item.decisions.order_by("pk").first()
            meeting_services.minutes_entry_save(
                entry=entry,
                summary=f"Sekretariatet la fram saken «{item.title}». Partnermøtet drøftet den.",
                decision_text=decision.text if decision else item.proposed_decision,
                version=entry.version,
                by=self.secretariat,
            )
        minutes.refresh_from_db()
        meeting_services.minutes_approve(
            minutes=minutes, how=Minutes.ApprovedHow.CIRCULATION, by=self.secretariat
        )

    # --- The criteria (R12) ----------------------------------------------------------------------
    def criteria(self) -> DocumentVersion | None:
        in_force = services.criteria_in_force()
        if in_force is not None:
            self.say(f"  kriterier for Partnerpotten: versjon {in_force.number} gjelder fra før")
            return in_force
        document = services.criteria_document()
        if document is None:
            meeting_services.governing_documents_seed(partners_body=self.body)
            document = services.criteria_document()
        latest = document.versions.order_by("-number").first()
        if latest is not None and latest.text == CRITERIA_TEXT:
            if latest.adopted_by_id is not None:  # adopted by another body: leave it
                return None
            version = latest
        else:
            version = meeting_services.document_version_create(
                document=document,
                text=CRITERIA_TEXT,
                change_note="Første versjon.",
                created_by=self.secretariat,
            )
        meeting = self.past_partner_meeting(year=self.year - 1, slot=1, month=3)
        if meeting is None:
            self.say("  kriterier for Partnerpotten: fant ikke noe partnermøte å vedta dem i")
            return None
        item = meeting_services.agenda_item_create(
            meeting=meeting,
            title="Kriterier for Partnerpotten",
            background="Sekretariatet legger fram forslag til kriterier for Partnerpotten.",
            proposed_decision="Partnermøtet vedtar kriteriene for Partnerpotten.",
            created_by=self.secretariat,
        )
        decision = meeting_services.decision_record(
            meeting=meeting,
            agenda_item=item,
            text=(
                f"Partnermøtet vedtar «Kriterier for Partnerpotten», versjon {version.number}. "
                "Kriteriene gjelder fra neste utlysning."
            ),
            recorded_by=self.secretariat,
        )
        version = meeting_services.document_version_adopt(version=version, decision=decision)
        self.finish_meeting(meeting)
        self.say(f"  kriterier for Partnerpotten: versjon {version.number} vedtatt ({decision})")
        return version

    # --- Applications ------------------------------------------------------------------------------
    def application(
        self,
        *,
        call: Call,
        partner: str,
        by: Person,
        values: dict,
        lines: list[tuple[str, str, str]] = (),
        co_applicants: list[tuple[str, str]] = (),
    ) -> Application:
        application = services.application_create(
            call=call, applicant=self.partners[partner], by=by
        )
        application = services.application_save(application=application, by=by, **values)
        for category, description, amount in lines:
            services.budget_line_add(
                application=application,
                category=category,
                description=description,
                amount=amount,
                by=by,
            )
        for kind, name in co_applicants:
            if kind == CoApplicant.Kind.PARTNER:
                services.co_applicant_add(
                    application=application, kind=kind, partner=self.partners[name], by=by
                )
            else:
                services.co_applicant_add(application=application, kind=kind, name=name, by=by)
        application.refresh_from_db()
        return application

    def assess(self, application: Application, *, recommendation: str, amount=None, text: str):
        services.assessment_save(
            application=application,
            by=self.secretariat,
            is_complete=True,
            fits_criteria=recommendation != Assessment.Recommendation.REJECT,
            recommendation=recommendation,
            recommended_amount=amount,
            recommendation_text=text,
            scores={
                c.pk: (4 if recommendation != Assessment.Recommendation.REJECT else 2, "")
                for c in application.call.criteria.all()
            },
        )

    # --- Last year's round, decided in September ----------------------------------------------------
    def last_years_round(self) -> None:
        last = self.year - 1
        title = f"Partnerpotten {last}"
        if Call.objects.filter(title=title).exists():
            self.say(f"  {title}: finnes fra før")
            return
        if services.criteria_in_force() is None:
            self.say(f"  {title}: hoppet over (ingen kriterier gjelder)")
            return
        meeting = self.past_partner_meeting(year=last, slot=3, month=9)
        now = timezone.now()
        # Published now for a moment (the services judge the deadline by the clock) and moved
        # back to last spring below.
        placeholder = self.upcoming_partner_meeting(after=now + dt.timedelta(hours=2))
        if meeting is None or placeholder is None:
            self.say(f"  {title}: hoppet over (fant ikke partnermøtene)")
            return
        secretariat = self.secretariat
        call = services.call_create(
            year=last,
            title=title,
            description=(
                "Partnerpotten støtter prosjekter og samarbeid mellom partnerne og andre lokale "
                "og nasjonale aktører. Barn og unge skal medvirke i prosjektene."
            ),
            opens_at=now - dt.timedelta(minutes=5),
            closes_at=now + dt.timedelta(hours=1),
            envelope=Decimal("600000"),
            max_per_application=Decimal("200000"),
            deciding_meeting=placeholder,
            created_by=secretariat,
        )
        call = services.call_publish(call=call, by=secretariat)
        granted = self.application(
            call=call,
            partner="Demo-KNV",
            by=self.people["group_leader"],
            values={
                "title": "Trygge overganger i Vest",
                "summary": "Elevråd i fem kommuner lager et opplegg for trygge overganger fra "
                "barneskole til ungdomsskole.",
                "sub_goals": ["involvement", "cooperation"],
                "target_group": "Elever på 7. og 8. trinn",
                "county": "Vestland",
                "municipality": "Vestland: Bergen",
                "participation": "Elevrådene planlegger og leder samlingene selv.",
                "bullying_forms": ["verbal", "indirect", "digital"],
                "activities": "Tre regionale samlinger og en digital veileder.",
                "starts_on": dt.date(last, 10, 1),
                "ends_on": dt.date(last, 12, 15),
                "own_contribution": "30000",
                "requested_amount": "150000",
            },
            lines=[
                (BudgetLine.Category.EVENTS, "Tre samlinger med lokaler og servering", "120000"),
                (BudgetLine.Category.TRAVEL, "Reiser for elevrådsrepresentanter", "40000"),
                (BudgetLine.Category.COMMUNICATION, "Digital veileder", "20000"),
            ],
            co_applicants=[(CoApplicant.Kind.MUNICIPALITY, "Bergen kommune")],
        )
        partly = self.application(
            call=call,
            partner="Demo-FNN",
            by=self.people["partner_rep"],
            values={
                "title": "Foreldrenettverk mot digital mobbing i Nord",
                "summary": "Foreldre og elever lager sammen kveldsmøter om nettvett og digital "
                "mobbing i ti kommuner.",
                "sub_goals": ["agenda", "involvement"],
                "target_group": "Foreldre og elever i ungdomsskolen",
                "county": "Nordland",
                "municipality": "Nordland: Bodø",
                "participation": "En ungdomsgruppe lager innholdet og leder kveldsmøtene.",
                "bullying_forms": ["digital", "identity"],
                "activities": "Ti kveldsmøter og en ressursbank for foreldre.",
                "starts_on": dt.date(last, 10, 1),
                # Still running: the final report is due a few months from now.
                "ends_on": self.today + dt.timedelta(days=30),
                "own_contribution": "20000",
                "requested_amount": "120000",
            },
            lines=[
                (BudgetLine.Category.EVENTS, "Ti kveldsmøter", "90000"),
                (BudgetLine.Category.PERSONNEL, "Honorar til ungdomsgruppa", "30000"),
                (BudgetLine.Category.MATERIALS, "Ressursbank", "20000"),
            ],
            co_applicants=[(CoApplicant.Kind.PARTNER, "Demo-KNV")],
        )
        rejected = self.application(
            call=call,
            partner="Demo-LFS",
            by=self.people["group_member"],
            values={
                "title": "Kurs i klasseledelse",
                "summary": "Et kurs for lærere i klasseledelse og arbeid med klassemiljøet.",
                "sub_goals": ["cooperation"],
                "target_group": "Lærere i grunnskolen",
                "county": "Agder",
                "municipality": "Agder: Kristiansand",
                "participation": "Elevene svarer på en spørreundersøkelse før kurset.",
                "bullying_forms": ["physical", "verbal"],
                "activities": "To kursdager for lærere.",
                "starts_on": dt.date(last, 11, 1),
                "ends_on": dt.date(last + 1, 3, 1),
                "own_contribution": "10000",
                "requested_amount": "100000",
                "letter_language": "nn",
            },
            lines=[(BudgetLine.Category.PERSONNEL, "Kursholdere", "110000")],
        )
        applications = [granted, partly, rejected]
        for application in applications:
            services.application_submit(application=application, by=application.created_by)
        self.assess(
            granted,
            recommendation=Assessment.Recommendation.GRANT,
            text="Godt forankret, og elevene leder arbeidet.",
        )
        self.assess(
            partly,
            recommendation=Assessment.Recommendation.PARTLY,
            amount="80000",
            text="Godt prosjekt, men honoraret bør dekkes av egeninnsatsen.",
        )
        self.assess(
            rejected,
            recommendation=Assessment.Recommendation.REJECT,
            text="Barn og unge medvirker for lite i prosjektet.",
        )

        # The round ran last year: open from April, closed in mid-August.
        opens = _oslo(dt.date(last, 4, 1), dt.time(9, 0))
        closes = _oslo(dt.date(last, 8, 15))
        Call.objects.filter(pk=call.pk).update(
            opens_at=opens,
            closes_at=closes,
            published_at=opens,
            created_at=opens - dt.timedelta(days=7),
            deciding_meeting=meeting,
        )
        for n, application in enumerate(applications):
            submitted_at = closes - dt.timedelta(days=3 - n, hours=2)
            Application.objects.filter(pk=application.pk).update(
                created_at=opens + dt.timedelta(days=20 + 7 * n),
                updated_at=submitted_at,
                submitted_at=submitted_at,
            )
        Assessment.objects.filter(application__call=call).update(
            updated_at=closes + dt.timedelta(days=10)
        )
        call.refresh_from_db()
        services.call_put_on_agenda(call=call, by=secretariat)

        decided = {}
        for application, outcome, amount, reason in (
            (granted, Application.Status.GRANTED, None, "Prosjektet oppfyller kriteriene godt."),
            (
                partly,
                Application.Status.PARTLY_GRANTED,
                "80000",
                "Honoraret til ungdomsgruppa dekkes ikke; resten innvilges.",
            ),
            (
                rejected,
                Application.Status.REJECTED,
                None,
                "Barn og unge medvirker for lite i prosjektet (kriterium 2).",
            ),
        ):
            application.refresh_from_db()
            decided[application.pk] = services.application_decide(
                application=application,
                outcome=outcome,
                amount=amount,
                conditions="Sluttrapport med regnskap innen fristen."
                if outcome != Application.Status.REJECTED
                else "",
                reason=reason,
                by=secretariat,
            )

        # Follow-up: the first grant is paid out, reported on, approved and closed; the second
        # is paid out and its final report is a draft the partner has begun.
        paid_on = dt.date(last, 10, 1)
        grant = decided[granted.pk].grant
        services.grant_pay_out(grant=grant, paid_out_on=paid_on, by=secretariat)
        services.grant_report_save(
            grant=grant,
            by=self.people["group_leader"],
            what_was_done="Tre samlinger med 140 elevrådsrepresentanter og en digital veileder.",
            participation="Elevrådene planla og ledet samlingene og skrev veilederen.",
            reach_count=140,
            reach_description="Elevråd fra 28 skoler i fem kommuner.",
            lines={line.pk: (line.amount, "") for line in granted.budget_lines.all()},
        )
        services.grant_report_submit(grant=grant, by=self.people["group_leader"])
        services.grant_report_approve(grant=grant, by=secretariat)
        grant.refresh_from_db()
        services.grant_close(grant=grant, by=secretariat)

        grant = decided[partly.pk].grant
        services.grant_pay_out(grant=grant, paid_out_on=paid_on, by=secretariat)
        services.grant_report_save(
            grant=grant,
            by=self.people["partner_rep"],
            what_was_done="Seks av ti kveldsmøter er holdt.",
        )

        visit = self.approved_visit(meeting)
        self.finish_meeting(meeting)
        self.say(
            f"  {title}: avsluttet, vedtatt i {meeting} "
            f"({len(applications)} søknader, 2 tilskudd, studiebesøket «{visit.title}»)"
        )

    def approved_visit(self, meeting: Meeting) -> StudyVisit:
        by = self.people["finance_lead"]
        visit = services.study_visit_create(
            partners=[self.partners["Demo-ERN"], self.partners["Demo-ISR"]],
            by=by,
            title=APPROVED_VISIT_TITLE,
            destination="Malmö stad, grunnskoleforvaltningen og to skoler",
            purpose="Lære hvordan elevrådene i Malmö arbeider med digital mobbing sammen med "
            "skolene og fritidsklubbene, og ta erfaringene inn i Faglig forum.",
            participants="Seks partnerrepresentanter og to elevrådsrepresentanter.",
            starts_on=dt.date(self.year, 4, 21),
            ends_on=dt.date(self.year, 4, 23),
            budget="120000",
            on_request=False,
        )
        visit = services.study_visit_submit(visit=visit, by=by)
        StudyVisit.objects.filter(pk=visit.pk).update(
            created_at=meeting.starts_at - dt.timedelta(days=40),
            submitted_at=meeting.starts_at - dt.timedelta(days=30),
        )
        services.study_visit_put_on_agenda(visit=visit, meeting=meeting, by=self.secretariat)
        return services.study_visit_decide(
            visit=visit,
            approved=True,
            amount="110000",
            reason="Partnerskapets studiebesøk for neste år; reisen kan gjøres noe rimeligere.",
            by=self.secretariat,
        )

    # --- This year's round, open now ----------------------------------------------------------
    def this_years_round(self) -> None:
        title = f"Partnerpotten {self.year}"
        if Call.objects.filter(title=title, year=self.year).exists():
            self.say(f"  {title}: finnes fra før")
            return
        if services.criteria_in_force() is None:
            self.say(f"  {title}: hoppet over (ingen kriterier gjelder)")
            return
        now = timezone.now()
        closes = _oslo(self.today + dt.timedelta(days=21))
        meeting = self.upcoming_partner_meeting(after=closes)
        if meeting is None:
            self.say(f"  {title}: hoppet over (ingen partnermøter etter fristen)")
            return
        secretariat = self.secretariat
        opens = now - dt.timedelta(days=14)
        call = services.call_create(
            year=self.year,
            title=title,
            description=(
                "Søk om midler til prosjekter og samarbeid mot mobbing. Prosjektene skal ha "
                "medvirkning fra barn og unge, og samarbeid med andre partnere eller lokale og "
                "nasjonale aktører teller positivt."
            ),
            opens_at=opens,
            closes_at=closes,
            envelope=Decimal("800000"),
            max_per_application=Decimal("200000"),
            deciding_meeting=meeting,
            created_by=secretariat,
        )
        call = services.call_publish(call=call, by=secretariat)
        Call.objects.filter(pk=call.pk).update(published_at=opens, created_at=opens)

        # Demo-FNN's draft, with gaps the checklist points out (the partner_rep login's).
        self.application(
            call=call,
            partner="Demo-FNN",
            by=self.people["partner_rep"],
            values={
                "title": "Foreldrekafé om trygge skolemiljø",
                "summary": "Foreldre, elever og lærere møtes på foreldrekafeer om hvordan vi "
                "sammen kan oppdage og stoppe mobbing.",
                "sub_goals": ["agenda"],
                "target_group": "Foreldre til barn på mellomtrinnet",
                "county": "Troms",
                "municipality": "Troms: Tromsø",
                "requested_amount": "90000",
            },
        )
        submitted = self.application(
            call=call,
            partner="Demo-ERN",
            by=self.people["finance_lead"],
            values={
                "title": "Elevombud i idrettslaget",
                "summary": "Elevrådene og idrettslagene lærer opp unge elevombud som barn kan "
                "si fra til, både på skolen og på trening.",
                "sub_goals": ["involvement", "cooperation"],
                "target_group": "Barn og unge 10–16 år",
                "county": "Trøndelag",
                "municipality": "Trøndelag: Trondheim",
                "participation": "Ungdommene velger elevombudene og er med på å lage opplæringen.",
                "bullying_forms": ["physical", "verbal", "indirect"],
                "activities": "Opplæring av 40 elevombud og fire fellessamlinger.",
                "starts_on": dt.date(self.year + 1, 2, 1),
                "ends_on": dt.date(self.year + 1, 12, 15),
                "own_contribution": "25000",
                "requested_amount": "140000",
            },
            lines=[
                (BudgetLine.Category.EVENTS, "Fire fellessamlinger", "90000"),
                (BudgetLine.Category.PERSONNEL, "Opplæring av elevombud", "60000"),
                (BudgetLine.Category.MATERIALS, "Materiell til elevombudene", "15000"),
            ],
            co_applicants=[
                (CoApplicant.Kind.PARTNER, "Demo-ISR"),
                (CoApplicant.Kind.MUNICIPALITY, "Trondheim kommune"),
            ],
        )
        services.application_submit(application=submitted, by=self.people["finance_lead"])
        asked = self.application(
            call=call,
            partner="Demo-KNV",
            by=self.people["group_leader"],
            values={
                "title": "Trygg i barnehagen",
                "summary": "Barnehagene i kommunenettverket prøver ut et opplegg for å "
                "forebygge krenkelser blant de yngste.",
                "sub_goals": ["cooperation"],
                "target_group": "Barn 3–6 år og ansatte i barnehager",
                "county": "Rogaland",
                "municipality": "Rogaland: Stavanger",
                "participation": "Barna forteller om trivsel gjennom tegninger og samtaler.",
                "bullying_forms": ["physical", "verbal"],
                "activities": "Utprøving i tolv barnehager og en erfaringssamling.",
                "starts_on": dt.date(self.year + 1, 1, 15),
                "ends_on": dt.date(self.year + 1, 11, 30),
                "own_contribution": "40000",
                "requested_amount": "160000",
            },
            lines=[
                (BudgetLine.Category.PERSONNEL, "Prosjektleder", "150000"),
                (BudgetLine.Category.EVENTS, "Erfaringssamling", "50000"),
            ],
            co_applicants=[(CoApplicant.Kind.KINDERGARTEN, "Tjensvoll barnehage")],
        )
        services.application_submit(application=asked, by=self.people["group_leader"])
        services.info_request_create(
            application=asked,
            sections=[Application.Section.BUDGET],
            message="Budsjettet har én stor post til prosjektleder. Del den opp, og forklar "
            "hvor mye av egeninnsatsen som er arbeidstid.",
            reply_by=self.today + dt.timedelta(days=10),
            by=secretariat,
        )
        self.say(f"  {title}: åpen til {closes:%d.%m.%Y}, vedtas i {meeting} (3 søknader)")

    # --- A study visit proposal -------------------------------------------------------------------
    def proposal(self) -> None:
        if StudyVisit.objects.filter(title=PROPOSAL_TITLE).exists():
            self.say("  forslag om studiebesøk: finnes fra før")
            return
        by = self.people["partner_rep"]
        visit = services.study_visit_create(
            partners=[self.partners["Demo-FNN"], self.partners["Demo-KNV"]],
            by=by,
            title=PROPOSAL_TITLE,
            destination="Reykjavik, foreldreorganisasjonen Heimili og skóli og to skoler",
            purpose="Se hvordan foreldre, skole og fritid på Island samarbeider om å forebygge "
            "mobbing, og hva partnerskapet kan lære av det.",
            participants="Fem partnerrepresentanter, to av dem fra foreldreorganisasjonene.",
            starts_on=dt.date(self.year + 1, 9, 14),
            ends_on=dt.date(self.year + 1, 9, 16),
            budget="95 000",
            on_request=True,
        )
        services.study_visit_submit(visit=visit, by=by)
        self.say(f"  forslag om studiebesøk: «{visit.title}»")


@transaction.atomic
def seed(*, stdout=None) -> None:
    demo = _Demo(stdout)
    if demo.body is None or len(demo.partners) < 5:
        demo.say("  Partnerpotten: hoppet over (demoregisteret mangler)")
        return
    demo.criteria()
    demo.last_years_round()
    demo.this_years_round()
    demo.proposal()
