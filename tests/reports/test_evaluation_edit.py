"""Issue 12: an evaluation's assessment is edited in the portal (the service existed, no page
called it). The secretariat edits a draft; two editors at once do not overwrite each other
(409 with both texts); an adopted evaluation is not edited; readers may not; queries pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from partnership import services_indicators
from partnership.locking import ConflictError
from partnership.models import Goal, IndicatorEvaluation, today
from tests import querycounts

from ..partnership.indicator_fixtures import adopted_set, leaders_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(registry):
    adopted_set(registry)
    return services_indicators.evaluation_create(
        goal=Goal.objects.get(number=1),
        point=2,
        assessment="Første utkast.",
        evaluated_on=today() - dt.timedelta(days=1),
    )


def _url(evaluation) -> str:
    return reverse("reports:evaluation_edit", args=[evaluation.pk])


def test_the_service_raises_the_version_and_refuses_a_stale_one(evaluation, secretariat):
    saved = services_indicators.evaluation_update(
        evaluation=evaluation, assessment="  Andre utkast. ", version=1, by=secretariat
    )
    assert (saved.assessment, saved.version) == ("Andre utkast.", 2)
    with pytest.raises(ConflictError) as exc:
        services_indicators.evaluation_update(
            evaluation=evaluation, assessment="Mitt utkast", version=1
        )
    assert exc.value.current == {"assessment": "Andre utkast."}
    assert exc.value.yours == {"assessment": "Mitt utkast"}
    assert exc.value.updated_by == secretariat
    assert IndicatorEvaluation.objects.get(pk=evaluation.pk).assessment == "Andre utkast."


def test_the_secretariat_edits_the_assessment_from_the_evaluation_page(
    client, login, secretariat, evaluation
):
    login(secretariat)
    detail = client.get(reverse("reports:evaluation_detail", args=[evaluation.pk]))
    assert _url(evaluation) in detail.content.decode()
    page = client.get(_url(evaluation))
    assert page.status_code == 200
    assert "Første utkast." in page.content.decode()
    response = client.post(_url(evaluation), {"assessment": "Godt på vei.", "version": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:evaluation_detail", args=[evaluation.pk])
    evaluation.refresh_from_db()
    assert (evaluation.assessment, evaluation.version) == ("Godt på vei.", 2)
    # An empty assessment is refused with the field's message; nothing saved.
    empty = client.post(_url(evaluation), {"assessment": "  ", "version": "2"})
    assert empty.status_code == 400
    assert "data-error-summary" in empty.content.decode()
    assert IndicatorEvaluation.objects.get(pk=evaluation.pk).assessment == "Godt på vei."


def test_a_save_in_between_is_refused_with_both_texts(client, login, secretariat, evaluation):
    login(secretariat)
    services_indicators.evaluation_update(
        evaluation=evaluation, assessment="Kollegaens tekst.", version=1, by=secretariat
    )
    response = client.post(_url(evaluation), {"assessment": "Min tekst.", "version": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Kollegaens tekst." in html and "Min tekst." in html
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert 'name="version" value="2"' in html
    again = client.post(_url(evaluation), {"assessment": "Min tekst.", "version": "2"})
    assert again.status_code == 302
    assert IndicatorEvaluation.objects.get(pk=evaluation.pk).assessment == "Min tekst."


def test_an_adopted_evaluation_is_not_edited(client, login, registry, secretariat, evaluation):
    decision = leaders_decision(registry, title="Evaluering vedtatt")
    services_indicators.evaluation_adopt(evaluation=evaluation, decision_pk=decision.pk)
    login(secretariat)
    page = client.get(_url(evaluation))
    assert page.status_code == 200
    assert "En vedtatt evaluering endres ikke." in page.content.decode()
    assert "<textarea" not in page.content.decode()
    client.post(_url(evaluation), {"assessment": "Ny", "version": "1"})
    assert IndicatorEvaluation.objects.get(pk=evaluation.pk).assessment == "Første utkast."


def test_a_partner_leader_reads_but_may_not_edit(client, login, partner_leader, evaluation):
    login(partner_leader)
    assert client.get(reverse("reports:evaluation_detail", args=[evaluation.pk])).status_code == 200
    assert client.get(_url(evaluation)).status_code == 403
    assert client.post(_url(evaluation), {"assessment": "x", "version": "1"}).status_code == 403


def test_the_edit_page_queries_are_pinned(client, login, secretariat, evaluation, registry):
    login(secretariat)

    def grow(n: int) -> None:
        for _ in range(n):
            services_indicators.evaluation_update(
                evaluation=evaluation,
                assessment=f"Utkast {IndicatorEvaluation.objects.get(pk=evaluation.pk).version}",
            )

    querycounts.assert_constant_queries(
        client, _url(evaluation), querycounts.topped_up(grow), PINNED, sizes=(1, 20)
    )


PINNED = 3  # the user, the rights, the evaluation with its goal, period and writer
