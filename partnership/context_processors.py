from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from . import extensions
from .roles import roles_for

# The menu's URLs are the same on every request: reversed once per URL prefix and URLconf.
_nav_urls: dict[tuple, tuple] = {}


def _nav() -> tuple:
    key = (get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    urls = _nav_urls.get(key)
    if urls is None:
        urls = tuple((reverse(e.url_name), e.label, e.permission) for e in extensions.nav_entries())
        _nav_urls[key] = urls
    return urls


def portal(request):
    """Navigation that fits the user's roles."""
    roles = roles_for(request.user)
    nav = []
    if roles.is_authenticated:
        user = request.user
        # Model permissions come with the roles (roles.rights_for): no query here.
        nav = [(url, label) for url, label, perm in _nav() if perm is None or user.has_perm(perm)]
    path = request.path
    # The longest menu URL that the path starts with is the current one ("/moter/kalender/"
    # is Kalender, not also Møter at "/moter/").
    matches = [url for url, _label in nav if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    return {
        "roles": roles,
        "nav_items": [
            {"url": url, "label": label, "current": url == current} for url, label in nav
        ],
    }
