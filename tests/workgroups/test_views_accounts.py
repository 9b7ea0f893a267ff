"""The accounts pages: a finance lead records an expense with a voucher, the secretariat books
it, the member reads, another group's people are not told it exists; bad input in Norwegian;
query counts pinned at two data sizes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, PersonFactory
from workgroups import services
from workgroups.models import AccountEntry

from .. import querycounts
from .factories import PDF, adopted_budget, pdf

YEAR = timezone.localdate().year
assert_constant_queries = partial(querycounts.assert_constant_queries, sizes=(2, 25))


def _accounts_url(registry, group=None):
    group = group or registry.wg_local
    return reverse("workgroups:group_accounts", kwargs={"pk": group.pk, "year": YEAR})


def _form(**extra):
    return {
        "date": dt.date(YEAR, 2, 1).isoformat(),
        "description": "Reise til samling",
        "amount": "1 500,50",
        "category": "travel",
        "measure": "Skolestartkampanjen",
        "supplier": "Vy",
        "status": "paid",
        **extra,
    }


def test_expense_voucher_booking(client, registry, finance_lead, secretariat, wg_member):
    adopted_budget(registry, year=YEAR, local="10000")
    url = _accounts_url(registry)
    client.force_login(finance_lead)
    page = client.get(url)
    assert page.status_code == 200 and "Registrer en utgift" in page.content.decode()
    response = client.post(url, _form(amount="1.500,50"))
    assert response.status_code == 400
    assert "ikke punktum" in response.content.decode()
    response = client.post(url, _form(date=f"{YEAR + 3}-01-01"))
    assert response.status_code == 400 and "ikke noe budsjett" in response.content.decode()
    assert not AccountEntry.objects.exists()
    response = client.post(url, _form())
    assert response.status_code == 302
    entry = AccountEntry.objects.get()
    assert entry.amount == Decimal("1500.50")
    detail = response["Location"]
    # A renamed executable is refused; a PDF is taken.
    upload = reverse("workgroups:voucher_upload", kwargs={"pk": entry.pk})
    bad = SimpleUploadedFile("bilag.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(upload, {"file": bad})
    assert response.status_code == 400
    response = client.post(upload, {"file": pdf()})
    assert response.status_code == 302
    voucher = entry.vouchers.get()
    # The secretariat books it; then the finance lead can no longer edit it.
    client.force_login(secretariat)
    assert "Bokfør" in client.get(detail).content.decode()
    response = client.post(reverse("workgroups:entry_book", kwargs={"pk": entry.pk}))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_booked
    client.force_login(finance_lead)
    page = client.get(detail).content.decode()
    assert "Endre posten" not in page and "Tilbakefør posten" in page
    # The member reads the entry and the voucher.
    client.force_login(wg_member)
    assert client.get(detail).status_code == 200
    download = client.get(reverse("workgroups:voucher_download", kwargs={"pk": voucher.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")


def test_another_groups_people_get_404(client, registry):
    adopted_budget(registry, year=YEAR)
    entry = services.entry_record(
        working_group=registry.wg_local,
        date=dt.date(YEAR, 2, 1),
        description="Lokalt",
        amount=Decimal("100"),
        category="travel",
    )
    voucher = services.voucher_add(entry=entry, file=pdf())
    national = PersonFactory()
    MembershipFactory(person=national, body=registry.wg_national, partner=registry.partner)
    client.force_login(national)
    for url in (
        _accounts_url(registry),
        reverse("workgroups:entry_detail", kwargs={"pk": entry.pk}),
        reverse("workgroups:voucher_download", kwargs={"pk": voucher.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(_accounts_url(registry, registry.wg_national)).status_code == 200


def test_over_the_allocation_is_pending_until_approved(client, registry, finance_lead, secretariat):
    adopted_budget(registry, year=YEAR, local="1000")
    client.force_login(finance_lead)
    response = client.post(_accounts_url(registry), _form(amount="1 000,01"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Venter på godkjenning" in page
    entry = AccountEntry.objects.get()
    client.force_login(secretariat)
    response = client.post(
        reverse("workgroups:entry_decide", kwargs={"pk": entry.pk}), {"decision": "approve"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.approval == AccountEntry.Approval.APPROVED


def test_accounts_page_queries_do_not_grow(client, registry, secretariat, wg_member):
    adopted_budget(registry, year=YEAR, local="1000000")

    def make(k):
        for i in range(k):
            entry = services.entry_record(
                working_group=registry.wg_local,
                date=dt.date(YEAR, 1 + i % 12, 1),
                description=f"Post {i}",
                amount=Decimal("10"),
                category="travel",
            )
            services.voucher_add(entry=entry, file=pdf())
            services.contribution_record(
                working_group=registry.wg_local,
                partner=registry.partner,
                date=dt.date(YEAR, 1, 1),
                description=f"Innsats {i}",
                hours=Decimal("1"),
                value=Decimal("0"),
            )

    client.force_login(secretariat)
    assert_constant_queries(
        client, _accounts_url(registry), querycounts.topped_up(make), pinned=PINNED_ACCOUNTS
    )


# One page of entries, the paginator's count and the totals of the whole year (one aggregate).
# The entries are counted in the totals aggregate, not by the paginator (it was 10).
PINNED_ACCOUNTS = 9
