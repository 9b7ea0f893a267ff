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
        ]
        if request.user.has_perm("partnership.invite_people"):
            nav.append((reverse("invitation_list"), _("Invitasjoner")))
        if request.user.has_perm("partnership.view_history"):
            nav.append((reverse("history"), _("Endringslogg")))
    path = request.path
    return {
        "roles": roles,
        "nav_items": [
            {"url": url, "label": label, "current": path == url or (url != "/" and path.startswith(url))}
            for url, label in nav
        ],
    }
