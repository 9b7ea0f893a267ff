"""Issue 10 §5: no query string makes a page fail.

Every GET URL from the resolver (the authorization matrix's own list and objects) is asked
with arbitrary query strings, as the secretariat (who sees the most); any 5xx fails. NUL
characters, unicode digits, huge numbers and unknown keys are among what hypothesis tries.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.partnership.test_authorization_matrix import ROUTES, build_url, world  # noqa: F401

pytestmark = pytest.mark.django_db

# The parameters the portal's lists and searches read, and some it never heard of.
KEYS = st.sampled_from(
    [
        "q",
        "page",
        "partner",
        "inactive",
        "body",
        "meeting",
        "view",
        "month",
        "year",
        "when",
        "alle",
        "status",
        "call",
        "fra",
        "til",
        "a",
        "b",
        "next",
        "sort",
    ]
) | st.text(min_size=1, max_size=8)
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.sampled_from(["\x00", "%00", "²", "٣", "-1", "0", "9" * 40, "1e9", "NaN", "2026-13-45"]),
)
QUERIES = st.dictionaries(KEYS, VALUES, max_size=4)
GET_ROUTES = [r for r in ROUTES if not r.key.startswith("admin:")]


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(route=st.sampled_from(GET_ROUTES), query=QUERIES)
def test_no_query_string_gives_a_server_error(route, query, world, client):  # noqa: F811
    url = build_url(route, world)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = world["session_cookies"]["secretariat"]
    with transaction.atomic():
        response = client.get(url + "?" + urlencode(query))
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{url}?{urlencode(query)}"


@pytest.mark.parametrize("name", ["partner_list", "person_list", "meetings:decision_search"])
def test_a_nul_in_a_search_is_ignored(name, world, client):  # noqa: F811
    client.cookies[django_settings.SESSION_COOKIE_NAME] = world["session_cookies"]["secretariat"]
    response = client.get(reverse(name) + "?q=%00&q2=a%00b&page=%00")
    assert response.status_code == 200


def test_signed_in_pages_are_private_and_not_stored(world, client):  # noqa: F811
    client.cookies[django_settings.SESSION_COOKIE_NAME] = world["session_cookies"]["partner_rep"]
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "camera=()" in response["Permissions-Policy"]
    # Also where a view set its own caching (a file download sets none; the iCal file of a
    # meeting is an example of a response built by hand).
    assert "Expires" not in response
