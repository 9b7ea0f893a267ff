"""The page cache (partnership.pagecache): reused per user and URL until the data changes.

Off under the other tests; these turn it on. They commit for real (``transaction=True``), so
the content version is replaced on commit as in production.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from partnership import pagecache
from partnership.models import Partner

from ..factories import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_cache_on(settings):
    settings.PORTAL_PAGE_CACHE = True
    settings.PORTAL_REGISTRY_CACHE = True


TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]{64}')


def detail(client, partner: Partner) -> str:
    """The partner's page, with the CSRF tokens (masked afresh for each response) left out."""
    response = client.get(reverse("partner_detail", args=[partner.pk]))
    assert response.status_code == 200
    return TOKEN.sub(r"\1…", response.content.decode())


def test_a_page_is_reused_until_anything_is_written(
    page_cache_on, client, login, registry, secretariat, django_assert_max_num_queries
):
    login(secretariat)
    partner = registry.partner
    first = detail(client, partner)
    assert partner.name in first
    # The user and the partner (the access check runs every time; the session is in Redis).
    with django_assert_max_num_queries(2):
        assert detail(client, partner) == first
    Partner.objects.filter(pk=partner.pk).update(name="Nytt navn på partneren")  # no signals
    assert "Nytt navn på partneren" in detail(client, partner)


def test_every_kind_of_write_replaces_the_content_version(page_cache_on, registry):
    def version():
        return cache.get(pagecache.CONTENT_KEY)

    pagecache.content_changed()  # the key exists from here on
    writes = [
        lambda: Partner.objects.filter(pk=registry.partner.pk).update(name="A"),
        lambda: registry.partner.save(),
        lambda: Partner.objects.bulk_create([PartnerFactory.build(short_name="NY")]),
        lambda: Partner.objects.filter(short_name="NY").delete(),
        lambda: connection.cursor().execute(
            "UPDATE partnership_partner SET name = 'B' WHERE id = %s", [registry.partner.pk]
        ),
    ]
    for write in writes:
        before = version()
        write()
        assert version() != before


def test_sessions_and_the_outbox_do_not_count_as_content(page_cache_on, registry):
    pagecache.content_changed()
    before = cache.get(pagecache.CONTENT_KEY)
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert cache.get(pagecache.CONTENT_KEY) == before


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "meetings_meeting" ("title") VALUES (%s)', "meetings_meeting"),
        ('UPDATE "partnerpot_call" SET "status" = %s', "partnerpot_call"),
        ('DELETE FROM "partnership_membership" WHERE id = 1', "partnership_membership"),
        ("  update partnership_partner set name = 'x'", "partnership_partner"),
        ('TRUNCATE "meetings_decision"', "meetings_decision"),
        ('SELECT * FROM "meetings_meeting" FOR UPDATE', None),
        ("", None),
    ],
)
def test_written_table(sql, table):
    assert pagecache.written_table(sql) == table


def test_nothing_is_kept_while_a_transaction_has_written(page_cache_on, registry, secretariat):
    request = RequestFactory().get("/partnere/")
    request.user = secretariat
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    with transaction.atomic():
        Partner.objects.filter(pk=registry.partner.pk).update(name="Ukommitert")
        pagecache.render(request, "partnership/body_list.html", lambda: {"bodies": []})
        key = pagecache._key(request, "partnership/body_list.html", "minute")
        assert cache.get(key) is None
        transaction.set_rollback(True)
    pagecache.render(request, "partnership/body_list.html", lambda: {"bodies": []})
    assert cache.get(key) is not None


def test_the_csrf_token_is_never_cached_and_always_valid(
    page_cache_on, registry, secretariat, django_user_model
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    url = reverse("invitation_list")
    client.get(url)
    html = client.get(url).content.decode()  # from the cache
    stored = [
        v
        for k in cache._cache.get_client().scan_iter(match=f"{cache.key_prefix}:*portal:page:*")
        for v in [cache.get(k.decode().split(":", 2)[2])]
        if v
    ]
    assert stored
    assert all(pagecache.CSRF_PLACEHOLDER in entry[1] for entry in stored)
    assert pagecache.CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        url,
        {"csrfmiddlewaretoken": token, "email": "", "language": "nb"},
    )
    assert response.status_code == 400  # the form's own errors, not CSRF's 403


def test_each_user_gets_their_own_page(page_cache_on, registry, secretariat, admin):
    first, second = Client(), Client()
    first.force_login(secretariat)
    second.force_login(admin)
    url = reverse("home")
    assert secretariat.get_full_name() in first.get(url).content.decode()
    html = second.get(url).content.decode()
    assert admin.get_full_name() in html
    assert secretariat.get_full_name() not in html


def test_the_language_is_part_of_the_key(page_cache_on, client, login, registry, secretariat):
    login(secretariat)
    url = reverse("body_list")
    assert 'lang="nb"' in client.get(url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    client.cookies["django_language"] = "en"
    assert 'lang="en"' in client.get(url).content.decode()


def test_a_page_with_messages_is_rendered_afresh_and_not_kept(page_cache_on, registry, secretariat):
    request = RequestFactory().get("/organer/")
    request.user = secretariat
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Lagret.")
    calls = []

    def context():
        calls.append(1)
        return {"bodies": [], "messages": get_messages(request)}

    pagecache.render(request, "partnership/body_list.html", context)
    key = pagecache._key(request, "partnership/body_list.html", "minute")
    assert cache.get(key) is None
    assert calls == [1]


def test_the_minute_or_the_day_is_part_of_the_key(monkeypatch, registry, secretariat):
    request = RequestFactory().get("/kalender/")
    request.user = secretariat
    moments = iter(
        [
            timezone.make_aware(dt.datetime(2026, 11, 22, 9, 0, 10)),
            timezone.make_aware(dt.datetime(2026, 11, 22, 9, 0, 50)),
            timezone.make_aware(dt.datetime(2026, 11, 22, 9, 1, 0)),
            timezone.make_aware(dt.datetime(2026, 11, 22, 9, 0, 10)),
            timezone.make_aware(dt.datetime(2026, 11, 22, 23, 59, 0)),
        ]
    )
    monkeypatch.setattr(pagecache.timezone, "localtime", lambda: next(moments))
    minute = [pagecache._key(request, "t.html", "minute") for _ in range(3)]
    assert minute[0] == minute[1] != minute[2]
    day = [pagecache._key(request, "t.html", "day") for _ in range(2)]
    assert day[0] == day[1]


def test_forget_cached_pages_replaces_the_content_version(page_cache_on, db):
    pagecache.content_changed()
    before = cache.get(pagecache.CONTENT_KEY)
    call_command("forget_cached_pages", stdout=io.StringIO())
    assert cache.get(pagecache.CONTENT_KEY) != before


def test_the_watch_survives_a_wrapper_block_open_while_connecting(page_cache_on, registry):
    from django.db import connections

    conn = connections["default"]
    conn.close()
    seen = []

    def other(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with conn.execute_wrapper(other):
        conn.ensure_connection()  # connection_created fires inside the block
    assert other not in conn.execute_wrappers
    assert pagecache._watch_writes in conn.execute_wrappers
