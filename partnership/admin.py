from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Affiliation,
    Body,
    Invitation,
    Membership,
    NotificationPreference,
    OutboxMessage,
    Partner,
    Period,
    Person,
)


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "organisation_number", "active_from", "active_to"]
    search_fields = ["name", "short_name", "organisation_number"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "email", "is_active", "is_staff"]
    search_fields = ["full_name", "email"]
    exclude = ["password"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "level", "chairing_partner"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "partner", "role", "starts_on", "ends_on"]
    list_filter = ["body", "role"]
    raw_id_fields = ["person"]


admin.site.register(Affiliation, SimpleHistoryAdmin)
admin.site.register(Period, SimpleHistoryAdmin)
admin.site.register(Invitation)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: what the portal has sent or tried to send (partnership/outbox.py)."""

    list_display = ["created_at", "kind", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject", "idempotency_key"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(NotificationPreference)
