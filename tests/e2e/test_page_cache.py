"""The page cache (partnership.pagecache) in a real browser: a page served from the cache
carries a working CSRF token (htmx and plain forms), and every change shows at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from meetings import services

from ..meetings.factories import MeetingFactory, in_days
from .conftest import axe_check
from .helpers import sign_in_with_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def cached_pages() -> int:
    client = cache._cache.get_client()
    return sum(1 for _ in client.scan_iter(match=f"{cache.key_prefix}:*portal:page:*"))


@pytest.fixture
def page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE = True
    settings.PORTAL_REGISTRY_CACHE = True


def test_cached_pages_post_and_show_changes_at_once(
    page_cache_on, page, live_server, registry, personas
):
    pm = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(30))
    a = services.proposal_submit(proposed_by=personas["wg_member"], target_meeting=pm, title="A")
    b = services.proposal_submit(proposed_by=personas["wg_member"], target_meeting=pm, title="B")
    sign_in_with_cookie(page, live_server, personas["secretariat"])
    url = reverse("meetings:meeting_detail", args=[pm.pk])
    page.goto(url)
    assert cached_pages() == 1
    page.reload()  # from the page cache: the CSRF token in it is this response's own
    assert cached_pages() == 1
    page.locator(f"#proposal-{a.pk}").get_by_role("button", name="Sett på sakslisten").click()
    expect(page.locator("#live-region")).to_contain_text("er satt på sakslisten")
    page.goto(reverse("meetings:calendar"))
    page.goto(url)  # rendered afresh: the accepted proposal is on the agenda
    expect(page.locator("#agenda")).to_contain_text("A")
    expect(page.locator(f"#proposal-{a.pk}")).not_to_contain_text("Sett på sakslisten")
    axe_check(page)
    page.reload()
    page.locator(f"#proposal-{b.pk}").get_by_role("button", name="Sett på sakslisten").click()
    expect(page.locator("#live-region")).to_contain_text("er satt på sakslisten")
    page.reload()
    expect(page.locator("#agenda")).to_contain_text("B")
    # A plain form (no htmx) on a cached page: the language switch.
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Bytt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
