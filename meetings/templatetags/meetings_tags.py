"""Template helpers for the meetings pages, and the home page's meeting cards."""

from __future__ import annotations

from django import template

from meetings import calendar, selectors

register = template.Library()

STATUS_COLORS = {
    "planned": "info",
    "notice_sent": "accent",
    "held": "neutral",
    "minutes_draft": "warning",
    "minutes_approved": "success",
    "cancelled": "danger",
}
PROPOSAL_COLORS = {
    "submitted": "info",
    "accepted": "success",
    "returned": "danger",
    "deferred": "warning",
    "withdrawn": "neutral",
}
FOLLOW_UP_COLORS = {"open": "info", "done": "success", "cancelled": "neutral"}


@register.filter
def status_color(meeting) -> str:
    """Designsystemet colour of a meeting's status tag (the tag also says the status)."""
    return STATUS_COLORS.get(getattr(meeting, "status", meeting), "neutral")


@register.filter
def proposal_color(proposal) -> str:
    return PROPOSAL_COLORS.get(proposal.status, "neutral")


@register.filter
def follow_up_color(follow_up) -> str:
    return FOLLOW_UP_COLORS.get(follow_up.status, "neutral")


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def next_meetings(user, count: int = 5):
    """The next meetings the user may see (the home page card); one query."""

    if not getattr(user, "is_authenticated", False):
        return []
    return calendar.next_meetings(user, count)


@register.simple_tag
def open_follow_ups(user, count: int = 5):
    """The user's open follow-up items, the earliest due first (the home page card)."""

    if not getattr(user, "is_authenticated", False):
        return []
    # The card shows only what and when: no joins.
    return list(selectors.open_follow_ups(user).only("pk", "what", "due_on")[:count])
