"""Small pieces the meetings e-mails share: the meeting's link and its time, rendered in the
recipient's language when the e-mail is rendered. A module of its own so that every module
that sends (``notifications``, ``absence``) can use them without importing each other."""

from __future__ import annotations

from django.template.loader import render_to_string

from partnership import outbox

from .models import Meeting


def meeting_url(meeting: Meeting) -> str:
    return outbox.absolute_url("meetings:meeting_detail", meeting.pk)


class When:
    """When a meeting is ("lørdag 12. desember 2026 kl. 10:00–12:00"), rendered by the portal's
    own ``meetings/_when.html`` when the e-mail is rendered, so in the recipient's language."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting

    def __str__(self) -> str:
        return render_to_string("meetings/_when.html", {"meeting": self.meeting}).strip()
