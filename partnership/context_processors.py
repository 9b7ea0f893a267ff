from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import roles_for


def portal(request):
    """Navigation that fits the user's roles."""
    roles = roles_for(request.user)
    nav = []
    if roles.is_authenticated:
        nav = [
            (reverse("home"), _("Oversikt")),
            (reverse("partner_list"), _("Partnere")),
            (reverse("body_list"), _("Organer")),
            (reverse("person_list"), _("Personer")),
            (reverse("meetings:calendar"), _("Kalender")),
            (reverse("meetings:meeting_list"), _("Møter")),
            (reverse("meetings:decision_search"), _("Vedtak")),
            (reverse("meetings:my_follow_ups"), _("Mine oppfølgingspunkter")),
        ]
        if request.user.has_perm("partnership.invite_people"):
            nav.append((reverse("invitation_list"), _("Invitasjoner")))
        if request.user.has_perm("partnership.view_history"):
            nav.append((reverse("history"), _("Endringslogg")))
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
