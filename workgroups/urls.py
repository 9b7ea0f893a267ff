from django.urls import path

from .views import budget

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
