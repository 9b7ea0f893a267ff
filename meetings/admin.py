"""The meetings models in Django's admin (for administrators; the portal's pages are the
secretariat's everyday tools). Models with history use SimpleHistoryAdmin.

Numbers (agenda items, decisions) come from locked counters in the services, so they are
read-only here; so are the iCal fields of a meeting and the hash of a calendar token.

The admin follows the portal's access rules (issue 10 §6): a superuser is treated like the
secretariat, so the state actors' group's meetings, items, minutes and decisions (R7) are
absent from its lists, change pages, history pages and choices unless the admin sits in that
group. The rules are ``meetings.access``'s own conditions, not a copy.
"""

from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from . import access
from .models import (
    AgendaCounter,
    AgendaItem,
    AgendaTemplate,
    AgendaTemplateItem,
    Attendance,
    CalendarToken,
    Decision,
    DocumentVersion,
    FollowUp,
    GoverningDocument,
    Meeting,
    MeetingSettings,
    Minutes,
    MinutesEntry,
    Proposal,
    StepAside,
)


class VisibleToUserAdmin:
    """Limit an admin to the rows the portal would show the user (``visible_q``), and the
    choices of its ``body``/``meeting`` fields to those too (a raw id outside them is
    refused as an invalid choice)."""

    def visible_q(self, user) -> Q:
        raise NotImplementedError

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.visible_q(request.user))

    def _visible(self, request, obj) -> bool:
        return (
            obj is None
            or self.model._default_manager.filter(self.visible_q(request.user), pk=obj.pk).exists()
        )

    # The history page falls back to the newest historical row when the object is not in
    # ``get_queryset``: the object checks below close that door as well.
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._visible(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._visible(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._visible(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("body", "target_body", "responsible_body"):
            kwargs["queryset"] = access.bodies_visible_to(request.user)
        elif db_field.name in ("meeting", "target_meeting", "original_meeting"):
            kwargs["queryset"] = Meeting.objects.filter(access.visible_meetings_q(request.user))
        elif db_field.name in ("agenda_item", "report_item"):
            kwargs["queryset"] = AgendaItem.objects.filter(
                access.visible_meetings_q(request.user, "meeting__")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _meetings_via(prefix: str):
    """``visible_q`` for a model that reaches its meeting through ``prefix``."""

    def visible_q(self, user) -> Q:
        return access.visible_meetings_q(user, prefix)

    return visible_q


@admin.register(MeetingSettings)
class MeetingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "body",
        "proposal_deadline_days",
        "notice_days",
        "minutes_reminder_days",
        "quorum_fraction",
    ]


@admin.register(Meeting)
class MeetingAdmin(VisibleToUserAdmin, SimpleHistoryAdmin):
    visible_q = _meetings_via("")

    list_display = ["__str__", "body", "kind", "status", "starts_at", "suggested"]
    list_filter = ["status", "kind", "body"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "place"]
    readonly_fields = ["uid", "sequence", "plan_slot", "notice_sent_at", "created_at", "updated_at"]
    raw_id_fields = ["body"]


@admin.register(AgendaItem)
class AgendaItemAdmin(VisibleToUserAdmin, SimpleHistoryAdmin):
    visible_q = _meetings_via("meeting__")

    list_display = ["label", "title", "meeting", "kind", "exempt"]
    list_filter = ["kind", "exempt", "body", "year"]
    search_fields = ["title"]
    readonly_fields = ["body", "year", "number"]
    raw_id_fields = ["meeting", "responsible"]


@admin.register(AgendaCounter)
class AgendaCounterAdmin(admin.ModelAdmin):
    """Counters are made and advanced by the services under a row lock; the admin only reads
    them (an empty add form used to end in a server error: every field is read-only)."""

    list_display = ["body", "year", "series", "last_number"]
    readonly_fields = ["body", "year", "series", "last_number"]

    def has_add_permission(self, request):
        return False


class AgendaTemplateItemInline(admin.TabularInline):
    model = AgendaTemplateItem
    extra = 1


@admin.register(AgendaTemplate)
class AgendaTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "body_kind", "meeting_kind"]
    inlines = [AgendaTemplateItemInline]


admin.site.register(AgendaTemplateItem)


@admin.register(Proposal)
class ProposalAdmin(VisibleToUserAdmin, admin.ModelAdmin):
    visible_q = _meetings_via("target_")

    list_display = ["title", "target_meeting", "proposed_by", "status", "submitted_at"]
    list_filter = ["status", "target_body"]
    search_fields = ["title"]
    raw_id_fields = ["proposed_by", "target_meeting", "agenda_item"]


@admin.register(Attendance)
class AttendanceAdmin(VisibleToUserAdmin, admin.ModelAdmin):
    visible_q = _meetings_via("meeting__")

    list_display = ["person", "meeting", "status", "deputy"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "person", "deputy", "membership"]


@admin.register(StepAside)
class StepAsideAdmin(VisibleToUserAdmin, admin.ModelAdmin):
    visible_q = _meetings_via("agenda_item__meeting__")

    list_display = ["person", "agenda_item", "reason"]
    raw_id_fields = ["agenda_item", "person"]


@admin.register(Minutes)
class MinutesAdmin(VisibleToUserAdmin, SimpleHistoryAdmin):
    visible_q = _meetings_via("meeting__")

    list_display = ["meeting", "status", "approved_at", "approved_how", "version"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "approved_at_meeting"]
    readonly_fields = ["version"]


@admin.register(MinutesEntry)
class MinutesEntryAdmin(VisibleToUserAdmin, SimpleHistoryAdmin):
    visible_q = _meetings_via("minutes__meeting__")

    list_display = ["agenda_item", "minutes", "version", "updated_at"]
    raw_id_fields = ["minutes", "agenda_item"]
    readonly_fields = ["version"]


@admin.register(Decision)
class DecisionAdmin(VisibleToUserAdmin, SimpleHistoryAdmin):
    def visible_q(self, user) -> Q:
        return access.visible_decisions_q(user)

    list_display = ["label", "title", "body", "decided_on", "made_under_delegation"]
    list_filter = ["body", "year", "made_under_delegation"]
    search_fields = ["title", "text"]
    readonly_fields = ["number", "year", "report_to", "report_item", "recorded_at"]
    raw_id_fields = ["meeting", "agenda_item"]


@admin.register(FollowUp)
class FollowUpAdmin(VisibleToUserAdmin, admin.ModelAdmin):
    visible_q = _meetings_via("minutes_entry__minutes__meeting__")

    list_display = ["what", "responsible_person", "responsible_body", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["minutes_entry", "responsible_person"]


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ["number", "change_note", "adopted_by", "created_at"]
    readonly_fields = ["number", "created_at"]
    raw_id_fields = ["adopted_by"]
    extra = 0


@admin.register(GoverningDocument)
class GoverningDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "responsible_body", "position"]
    inlines = [DocumentVersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["document", "number", "adopted_by", "created_at"]
    readonly_fields = ["number"]
    raw_id_fields = ["adopted_by"]


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Only revocation is useful here: the token itself is never stored."""

    list_display = ["person", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    fields = ["person", "created_at", "revoked_at"]
    readonly_fields = ["person", "created_at"]

    def has_add_permission(self, request):
        return False
