"""The signed-in home page's content: the secretariat's governance checks and open invitations,
the person's seats and partners.

The cards' rows are written once in Python with ``format_html`` (every value escaped), as the
accounts list writes its rows: the checks' problems, the invitations and the seats through the
template engine cost more than the rest of the page (profiled on the bench data). The markup is
the one the template had.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, formats, selectors
from .governance import governance_checks
from .html import format_html, format_html_join
from .models import Invitation, Membership, Partner
from .roles import roles_for
from .viewhelpers import UrlPatterns

_TAG = '<span class="ds-tag" data-color="{}">{}</span>'
_CHECK = (
    '<li class="portal-check" data-passed="{}">'
    '<div class="portal-check__head">'
    '<h3 class="ds-heading" data-size="xs">{}</h3> {} <span class="portal-muted">{}</span>'
    "</div>{}</li>"
)
_INVITATION_ROW = (
    '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td class="portal-nowrap">{}</td></tr>'
)
_MEMBERSHIP_ROW = (
    '<tr><th scope="row"><a class="ds-link" href="{}">{}</a></th><td>{}</td>'
    '<td><a class="ds-link" href="{}">{}</a></td>'
    '<td class="portal-nowrap">{}</td><td class="portal-nowrap">{}</td></tr>'
)
# What the invitations card reads: the status's dates, the columns shown, the partner's name.
_INVITATION_COLUMNS = (
    "full_name",
    "email",
    "expires_at",
    "accepted_at",
    "revoked_at",
    "partner__name",
)
# What the seats card shows of a membership.
_MEMBERSHIP_COLUMNS = (
    "body_id",
    "body__name",
    "role",
    "partner_id",
    "partner__name",
    "starts_on",
    "ends_on",
)


def checks_html(checks) -> str:
    """The governance checks as the list's items, each with what breaks it."""
    passed = format_html(_TAG, "success", _("Oppfylt"))
    failed = format_html(_TAG, "danger", _("Ikke oppfylt"))
    rule = _("Regel %(rule)s")
    return format_html_join(
        "",
        _CHECK,
        (
            (
                "true" if check.passed else "false",
                check.title,
                passed if check.passed else failed,
                rule % {"rule": check.rule},
                format_html(
                    '<ul class="ds-list">{}</ul>',
                    format_html_join("", "<li>{}</li>", ((p,) for p in check.problems)),
                )
                if check.problems
                else "",
            )
            for check in checks
        ),
    )


def invitation_rows(invitations) -> str:
    return format_html_join(
        "",
        _INVITATION_ROW,
        (
            (
                i.full_name,
                i.email,
                i.partner__name or "–",
                formats.short_date(i.expires_at),
            )
            for i in invitations
        ),
    )


def membership_rows(memberships) -> str:
    urls = UrlPatterns()
    roles = {value: str(label) for value, label in Membership.Role.choices}
    no_end = _("Ingen sluttdato")
    return format_html_join(
        "",
        _MEMBERSHIP_ROW,
        (
            (
                urls("body_detail", m.body_id),
                m.body__name,
                roles.get(m.role, m.role),
                urls("partner_detail", m.partner_id),
                m.partner__name,
                formats.short_date(m.starts_on),
                formats.short_date(m.ends_on) or no_end,
            )
            for m in memberships
        ),
    )


def partner_items(partners) -> str:
    urls = UrlPatterns()
    return format_html_join(
        "",
        '<li><a class="ds-link" href="{}">{}</a></li>',
        ((urls("partner_detail", pk), name) for pk, name in partners),
    )


def home_context(request: HttpRequest) -> dict:
    user = request.user
    roles = roles_for(user)
    memberships = list(
        selectors.my_memberships(person=user).values_list(*_MEMBERSHIP_COLUMNS, named=True)
    )
    context = {"memberships": memberships, "membership_rows": membership_rows(memberships)}
    if access.can_manage_registry(user):
        checks = governance_checks()
        # The newest 20, of which the open ones; the card shows no people, only the partner.
        now = timezone.now()
        open_invitations = [
            i
            for i in selectors.invitation_list().values_list(*_INVITATION_COLUMNS, named=True)[:20]
            if Invitation.status_of(
                accepted_at=i.accepted_at, revoked_at=i.revoked_at, expires_at=i.expires_at, now=now
            )
            == "open"
        ]
        context.update(
            checks=checks,
            checks_html=checks_html(checks),
            failing_checks=sum(1 for c in checks if not c.passed),
            open_invitations=open_invitations,
            invitation_rows=invitation_rows(open_invitations),
        )
    if roles.affiliated_partner_ids or roles.represented_partner_ids or roles.led_partner_ids:
        ids = roles.affiliated_partner_ids | roles.represented_partner_ids | roles.led_partner_ids
        partners = list(
            Partner.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name")
        )
        context["my_partner_items"] = partner_items(partners)
    return context
