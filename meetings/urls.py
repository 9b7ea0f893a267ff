"""URLs of the meetings app, mounted at /moter/ (Norwegian paths, English names)."""

from django.urls import path

from .views import (
    absence,
    agenda,
    agenda_templates,
    attachments,
    calendar,
    meetings,
    minutes,
    presentations,
    register,
)

app_name = "meetings"

urlpatterns = [
    # Meetings
    path("", meetings.meeting_list, name="meeting_list"),
    path("ny/", meetings.meeting_create, name="meeting_create"),
    path("arsplan/", meetings.year_plan, name="year_plan"),
    path("<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<int:pk>/endre/", meetings.meeting_edit, name="meeting_edit"),
    path("<int:pk>/bekreft/", meetings.meeting_confirm, name="meeting_confirm"),
    path("<int:pk>/flytt/", meetings.meeting_move, name="meeting_move"),
    path("<int:pk>/innkalling/", meetings.meeting_send_notice, name="meeting_send_notice"),
    path(
        "<int:pk>/tilleggsinnkalling/",
        meetings.meeting_send_supplement,
        name="meeting_send_supplement",
    ),
    path("<int:pk>/avlys/", meetings.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/avholdt/", meetings.meeting_record_held, name="meeting_record_held"),
    path("<int:pk>/gjenoppta/", meetings.meeting_reinstate, name="meeting_reinstate"),
    # Absence (melde forfall): signed in, or by the notice e-mail's link
    path("<int:pk>/forfall/", absence.absence_report, name="absence_report"),
    path("<int:pk>/forfall/trekk/", absence.absence_withdraw, name="absence_withdraw"),
    path("forfall/<str:token>/", absence.absence_link, name="absence_link"),
    path("<int:pk>/innkalling.pdf", meetings.notice_pdf, name="notice_pdf"),
    path("<int:pk>/referat.pdf", meetings.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/mote.ics", calendar.meeting_ics, name="meeting_ics"),
    # Agenda
    path("<int:pk>/saker/", agenda.agenda_item_add, name="agenda_item_add"),
    path("<int:pk>/saker/mal/", agenda.agenda_template_apply, name="agenda_template_apply"),
    path("saker/<int:pk>/endre/", agenda.agenda_item_edit, name="agenda_item_edit"),
    path("saker/<int:pk>/flytt/", agenda.agenda_item_move, name="agenda_item_move"),
    # Agenda templates (the secretariat)
    path("maler/", agenda_templates.agenda_template_list, name="agenda_template_list"),
    path(
        "maler/<int:pk>/",
        agenda_templates.agenda_template_detail,
        name="agenda_template_detail",
    ),
    path(
        "maler/<int:pk>/saker/",
        agenda_templates.agenda_template_item_add,
        name="agenda_template_item_add",
    ),
    path(
        "maler/saker/<int:pk>/endre/",
        agenda_templates.agenda_template_item_edit,
        name="agenda_template_item_edit",
    ),
    path(
        "maler/saker/<int:pk>/flytt/",
        agenda_templates.agenda_template_item_move,
        name="agenda_template_item_move",
    ),
    path(
        "maler/saker/<int:pk>/fjern/",
        agenda_templates.agenda_template_item_remove,
        name="agenda_template_item_remove",
    ),
    # Attachments to agenda items
    path("saker/<int:pk>/vedlegg/", attachments.attachment_upload, name="attachment_upload"),
    path("vedlegg/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("vedlegg/<int:pk>/fjern/", attachments.attachment_delete, name="attachment_delete"),
    # Proposals
    path("forslag/", agenda.my_proposals, name="my_proposals"),
    path("forslag/ny/", agenda.proposal_create, name="proposal_create"),
    path("forslag/<int:pk>/behandle/", agenda.proposal_handle, name="proposal_handle"),
    path("forslag/<int:pk>/trekk/", agenda.proposal_withdraw, name="proposal_withdraw"),
    # Attendance and minutes
    path("<int:pk>/oppmote/", minutes.attendance, name="attendance"),
    path("<int:pk>/fratreden/", minutes.step_aside_add, name="step_aside_add"),
    path("fratreden/<int:pk>/fjern/", minutes.step_aside_remove, name="step_aside_remove"),
    path("<int:pk>/referat/", minutes.minutes, name="minutes"),
    path("<int:pk>/referat/start/", minutes.minutes_start, name="minutes_start"),
    path("<int:pk>/referat/godkjenn/", minutes.minutes_approve, name="minutes_approve"),
    path("<int:pk>/referat/merknader/", minutes.minutes_notes_save, name="minutes_notes_save"),
    path("referat/punkt/<int:pk>/", minutes.minutes_entry_save, name="minutes_entry_save"),
    path("referat/punkt/<int:pk>/oppfolging/", minutes.follow_up_create, name="follow_up_create"),
    # Follow-ups
    path("oppfolging/", minutes.my_follow_ups, name="my_follow_ups"),
    path("oppfolging/<int:pk>/status/", minutes.follow_up_status, name="follow_up_status"),
    # Calendar and iCal
    path("kalender/", calendar.calendar, name="calendar"),
    path("kalender/arshjul/", calendar.year_wheel, name="year_wheel"),
    path("kalender/abonnement/", calendar.calendar_subscription, name="calendar_subscription"),
    path(
        "kalender/abonnement/trekk-tilbake/",
        calendar.calendar_subscription_revoke,
        name="calendar_subscription_revoke",
    ),
    path("kalender/feed/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # The decision register
    path("vedtak/", register.decision_search, name="decision_search"),
    path("vedtak/<int:pk>/", register.decision_detail, name="decision_detail"),
    # Governing documents (R12)
    path("dokumenter/", register.document_list, name="document_list"),
    path("dokumenter/<int:pk>/", register.document_detail, name="document_detail"),
    path(
        "dokumenter/<int:pk>/ny-versjon/",
        register.document_version_create,
        name="document_version_create",
    ),
    path("dokumenter/<int:pk>/sammenlign/", register.document_diff, name="document_diff"),
    path(
        "dokumenter/versjon/<int:pk>/vedta/",
        register.document_version_adopt,
        name="document_version_adopt",
    ),
]

# Partners presenting their own work at the Ledermøte (issue 12 §6)
urlpatterns += [
    path("presentasjoner/", presentations.presentation_plan, name="presentation_plan"),
]
