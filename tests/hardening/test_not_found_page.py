"""make run (DEBUG on) shows the portal's own 404 page, not Django's list of URL patterns
(issue 11 §10)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_the_portals_own_404_page(client, login, user, settings, debug):
    settings.DEBUG = debug
    login(user)
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "URLconf" not in text and "urlpatterns" not in text
    assert '<html lang="nb">' in text
