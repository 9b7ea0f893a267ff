"""The meetings models in Django's admin (for administrators; the portal's pages are the
secretariat's everyday tools). Models with history use SimpleHistoryAdmin.

Numbers (agenda items, decisions) come from locked counters in the services, so they are
read-only here; so are the iCal fields of a meeting and the hash of a calendar token.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "kind", "status", "starts_at", "suggested"]
    list_filter = ["status", "kind", "body"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "place"]
    readonly_fields = ["uid", "sequence", "plan_slot", "notice_sent_at", "created_at", "updated_at"]
    raw_id_fields = ["body"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["label", "title", "meeting", "kind", "exempt"]
    list_filter = ["kind", "exempt", "body", "year"]
    search_fields = ["title"]
    readonly_fields = ["body", "year", "number"]
    raw_id_fields = ["meeting", "responsible"]


@admin.register(AgendaCounter)
class AgendaCounterAdmin(admin.ModelAdmin):
    list_display = ["body", "year", "series", "last_number"]
    readonly_fields = ["body", "year", "series", "last_number"]


class AgendaTemplateItemInline(admin.TabularInline):
    model = AgendaTemplateItem
    extra = 1


@admin.register(AgendaTemplate)
class AgendaTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "meeting_kind"]
    inlines = [AgendaTemplateItemInline]


admin.site.register(AgendaTemplateItem)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "target_meeting", "proposed_by", "status", "submitted_at"]
    list_filter = ["status", "target_body"]
    search_fields = ["title"]
    raw_id_fields = ["proposed_by", "target_meeting", "agenda_item"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "meeting", "status", "deputy"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "person", "deputy", "membership"]


@admin.register(StepAside)
class StepAsideAdmin(admin.ModelAdmin):
    list_display = ["person", "agenda_item", "reason"]
    raw_id_fields = ["agenda_item", "person"]


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "status", "approved_at", "approved_how", "version"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "approved_at_meeting"]
    readonly_fields = ["version"]


@admin.register(MinutesEntry)
class MinutesEntryAdmin(SimpleHistoryAdmin):
    list_display = ["agenda_item", "minutes", "version", "updated_at"]
    raw_id_fields = ["minutes", "agenda_item"]
    readonly_fields = ["version"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["label", "title", "body", "decided_on", "made_under_delegation"]
    list_filter = ["body", "year", "made_under_delegation"]
    search_fields = ["title", "text"]
    readonly_fields = ["number", "year", "report_to", "report_item", "recorded_at"]
    raw_id_fields = ["meeting", "agenda_item"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
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
