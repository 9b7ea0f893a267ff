from django.urls import path

from .views import accounts, actuals, budget, plan, yearend

app_name = "workgroups"

urlpatterns = [
    path("budsjett/", budget.budget_list, name="budget_list"),
    path("budsjett/<int:pk>/", budget.budget_version, name="budget_version"),
    path("budsjett/<int:pk>/poster/", budget.budget_line_add, name="budget_line_add"),
    path("budsjett/<int:pk>/foresla/", budget.budget_propose, name="budget_propose"),
    path("budsjett/<int:pk>/trekk-tilbake/", budget.budget_withdraw, name="budget_withdraw"),
    path("budsjett/<int:pk>/vedtak/", budget.budget_adopt, name="budget_adopt"),
    path("budsjett/<int:pk>/ny-versjon/", budget.budget_revise, name="budget_revise"),
    path("budsjettposter/<int:pk>/", budget.budget_line_edit, name="budget_line_edit"),
    path("budsjettposter/<int:pk>/fjern/", budget.budget_line_delete, name="budget_line_delete"),
]

urlpatterns += [
    path("regnskap/", accounts.accounts_home, name="accounts_home"),
    path("regnskap/<int:pk>/<int:year>/", accounts.group_accounts, name="group_accounts"),
    path(
        "regnskap/<int:pk>/<int:year>/egeninnsats/",
        accounts.contribution_add,
        name="contribution_add",
    ),
    path("poster/<int:pk>/", accounts.entry_detail, name="entry_detail"),
    path("poster/<int:pk>/status/", accounts.entry_status, name="entry_status"),
    path("poster/<int:pk>/slett/", accounts.entry_delete, name="entry_delete"),
    path("poster/<int:pk>/tilbakefor/", accounts.entry_reverse, name="entry_reverse"),
    path("poster/<int:pk>/bokfor/", accounts.entry_book, name="entry_book"),
    path("poster/<int:pk>/godkjenning/", accounts.entry_decide, name="entry_decide"),
    path("poster/<int:pk>/bilag/", accounts.voucher_upload, name="voucher_upload"),
    path("bilag/<int:pk>/", accounts.voucher_download, name="voucher_download"),
]

urlpatterns += [
    path(
        "regnskap/<int:pk>/<int:year>/mot-budsjett/",
        actuals.group_actuals,
        name="group_actuals",
    ),
    path(
        "regnskap/<int:pk>/<int:year>/mot-budsjett.svg",
        actuals.group_actuals_chart,
        name="group_actuals_chart",
    ),
    path(
        "regnskap/<int:pk>/<int:year>/mot-budsjett.<str:fmt>",
        actuals.group_actuals_export,
        name="group_actuals_export",
    ),
    path(
        "budsjett/<int:year>/mot-regnskap/", actuals.partnership_actuals, name="partnership_actuals"
    ),
    path(
        "budsjett/<int:year>/mot-regnskap.svg",
        actuals.partnership_actuals_chart,
        name="partnership_actuals_chart",
    ),
    path(
        "budsjett/<int:year>/mot-regnskap.<str:fmt>",
        actuals.partnership_actuals_export,
        name="partnership_actuals_export",
    ),
]

urlpatterns += [
    path(
        "regnskap/<int:pk>/<int:year>/arsrapport/", yearend.year_end_report, name="year_end_report"
    ),
    path(
        "regnskap/<int:pk>/<int:year>/arsrapport/send-inn/",
        yearend.year_end_submit,
        name="year_end_submit",
    ),
    path(
        "regnskap/<int:pk>/<int:year>/arsrapport/behandle/",
        yearend.year_end_review,
        name="year_end_review",
    ),
    path("regnskap/<int:pk>/<int:year>/arsrapport.pdf", yearend.year_end_pdf, name="year_end_pdf"),
    path("budsjett/<int:year>/avslutt/", yearend.year_close, name="year_close"),
]

# The action plan's working level (issue 12 §2, §3)
urlpatterns += [
    path("tiltak/<int:pk>/", plan.measure_work, name="measure_work"),
    path("tiltak/<int:pk>/aktiviteter/ny/", plan.activity_create, name="activity_create"),
    path("aktiviteter/", plan.activity_list, name="activity_list"),
    path("aktiviteter/<int:pk>/", plan.activity_detail, name="activity_detail"),
    path("aktiviteter/<int:pk>/endre/", plan.activity_edit, name="activity_edit"),
    path("aktiviteter/<int:pk>/fil/", plan.activity_file, name="activity_file"),
    path("tiltaksplaner/<int:pk>/", plan.plan_detail, name="plan_detail"),
    path("tiltaksplaner/<int:pk>/endre/", plan.plan_edit, name="plan_edit"),
    path("tiltaksplaner/<int:pk>/vedtak/", plan.plan_adopt, name="plan_adopt"),
    path("planlagte-aktiviteter/<int:pk>/framdrift/", plan.progress_update, name="progress_update"),
]
