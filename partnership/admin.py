from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Affiliation, Body, Invitation, Membership, Partner, Period, Person


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
