from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from . import views, views_own_work, views_plan

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Partnerskap mot mobbing"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("partnere/", views.partner_list, name="partner_list"),
    path("partnere/ny/", views.partner_create, name="partner_create"),
    path("partnere/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partnere/<int:pk>/endre/", views.partner_edit, name="partner_edit"),
    path("personer/", views.person_list, name="person_list"),
    path("personer/<int:pk>/", views.person_detail, name="person_detail"),
    path("profil/", views.profile, name="profile"),
    path("organer/", views.body_list, name="body_list"),
    path("organer/<int:pk>/", views.body_detail, name="body_detail"),
    path("organer/<int:pk>/medlemmer/", views.membership_add, name="membership_add"),
    path("medlemskap/<int:pk>/endre/", views.membership_edit, name="membership_edit"),
    path("medlemskap/<int:pk>/avslutt/", views.membership_end, name="membership_end"),
    path("invitasjoner/", views.invitation_list, name="invitation_list"),
    path("invitasjoner/<int:pk>/trekk-tilbake/", views.invitation_revoke, name="invitation_revoke"),
    path("invitasjon/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("endringslogg/", views.history, name="history"),
    path("handlingsplan/", views_plan.plan_overview, name="plan_overview"),
    path("handlingsplan/mal/<int:pk>/", views_plan.goal_detail, name="goal_detail"),
    path("handlingsplan/mal/<int:pk>/endre/", views_plan.goal_edit, name="goal_edit"),
    path("handlingsplan/tiltak/ny/", views_plan.measure_create, name="measure_create"),
    path("handlingsplan/tiltak/<int:pk>/", views_plan.measure_detail, name="measure_detail"),
    path("handlingsplan/tiltak/<int:pk>/endre/", views_plan.measure_edit, name="measure_edit"),
    path(
        "handlingsplan/tiltak/<int:pk>/evaluering/",
        views_plan.measure_evaluate,
        name="measure_evaluate",
    ),
    path("handlingsplan/tiltak/<int:pk>/avvikle/", views_plan.measure_end, name="measure_end"),
    path("partnere/<int:pk>/eget-arbeid/", views_own_work.own_work, name="own_work"),
    path("eget-arbeid/<int:pk>/endre/", views_own_work.own_work_edit, name="own_work_edit"),
    path("eget-arbeid/<int:pk>/fjern/", views_own_work.own_work_delete, name="own_work_delete"),
    path("eget-arbeid/<int:pk>/fil/", views_own_work.own_work_file, name="own_work_file"),
    path("moter/", include("meetings.urls")),
    path("partnerpotten/", include("partnerpot.urls")),
    path("okonomi/", include("workgroups.urls")),
    path("styring/", include("reports.urls")),
    path("konto/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
