"""Who may use the annual report generator: the secretariat only. Everyone else signed in
gets 403 on the pages of a year (the years themselves are no secret); a stored version is
an object, so insiders without the right get 403 and outsiders 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from meetings.access import is_secretariat
from workgroups.access import is_insider

from .models_annual import ReportRun


def require_annual_manager(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied


def run_for_user(user, pk: int) -> ReportRun:
    if not is_secretariat(user):
        if is_insider(user):
            raise PermissionDenied
        raise Http404
    run = ReportRun.objects.select_related("report", "requested_by").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run
