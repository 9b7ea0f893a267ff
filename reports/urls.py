from django.urls import path

from . import views_annual, views_briefing, views_dashboard, views_exports, views_indicators

app_name = "reports"

urlpatterns = [
    path("", views_dashboard.dashboard_page, name="dashboard"),
    path("utskrift/", views_dashboard.dashboard_print, name="dashboard_print"),
    path("mal/<int:pk>/", views_dashboard.goal_indicators, name="goal_indicators"),
    path("kjennetegn/<int:pk>/", views_dashboard.indicator_detail, name="indicator_detail"),
    path(
        "kjennetegn/<int:pk>/diagram.svg", views_dashboard.indicator_chart, name="indicator_chart"
    ),
    path("kjennetegn/<int:pk>/endre/", views_indicators.indicator_edit, name="indicator_edit"),
    path("kjennetegn/<int:pk>/ny-verdi/", views_indicators.value_add, name="value_add"),
    path("versjoner/", views_indicators.indicator_sets, name="indicator_sets"),
    path("versjoner/ny/", views_indicators.indicator_set_create, name="indicator_set_create"),
    path("versjoner/<int:pk>/", views_indicators.indicator_set, name="indicator_set"),
    path(
        "versjoner/<int:pk>/vedtak/",
        views_indicators.indicator_set_adopt,
        name="indicator_set_adopt",
    ),
    path(
        "versjoner/<int:pk>/nytt-kjennetegn/",
        views_indicators.indicator_create,
        name="indicator_create",
    ),
    path("verdier/", views_indicators.values, name="values"),
    path("verdier/eksport.<str:fmt>", views_indicators.values_export, name="values_export"),
    path("verdier/import/", views_indicators.values_import, name="values_import"),
    path(
        "verdier/import/bekreft/",
        views_indicators.values_import_confirm,
        name="values_import_confirm",
    ),
    path("evalueringer/ny/", views_indicators.evaluation_create, name="evaluation_create"),
    path("evalueringer/<int:pk>/", views_indicators.evaluation_detail, name="evaluation_detail"),
    path("evalueringer/<int:pk>/endre/", views_indicators.evaluation_edit, name="evaluation_edit"),
    path(
        "evalueringer/<int:pk>/vedtak/",
        views_indicators.evaluation_adopt,
        name="evaluation_adopt",
    ),
    # The annual report (issue 14 §1, §4)
    path("arsrapport/", views_annual.annual_list, name="annual_list"),
    path("arsrapport/<int:year>/", views_annual.annual_detail, name="annual_detail"),
    path("arsrapport/<int:year>/tekst/", views_annual.annual_edit, name="annual_edit"),
    path(
        "arsrapport/<int:year>/forhandsvisning/",
        views_annual.annual_preview,
        name="annual_preview",
    ),
    path("arsrapport/<int:year>/lag/", views_annual.annual_generate, name="annual_generate"),
    path("arsrapport/<int:year>/framdrift/", views_annual.annual_progress, name="annual_progress"),
    path(
        "arsrapport/versjoner/<int:pk>/pdf/", views_annual.annual_download, name="annual_download"
    ),
    path(
        "arsrapport/versjoner/<int:pk>/prov-igjen/",
        views_annual.annual_retry,
        name="annual_retry",
    ),
    # The ministries' briefing (issue 14 §2)
    path("orienteringer/", views_briefing.briefing_list, name="briefing_list"),
    path("orienteringer/ny/", views_briefing.briefing_create, name="briefing_create"),
    path("orienteringer/<int:pk>/", views_briefing.briefing_detail, name="briefing_detail"),
    path("orienteringer/<int:pk>/pdf/", views_briefing.briefing_download, name="briefing_download"),
    path(
        "orienteringer/<int:pk>/prov-igjen/", views_briefing.briefing_retry, name="briefing_retry"
    ),
    path("politisk-interesse/", views_briefing.flag_list, name="flag_list"),
    path("politisk-interesse/merk/", views_briefing.flag_set, name="flag_set"),
    path("politisk-interesse/<int:pk>/fjern/", views_briefing.flag_remove, name="flag_remove"),
    # Exports (issue 14 §3)
    path("eksport/", views_exports.export_page, name="export_page"),
    path("eksport/last-ned/", views_exports.export_download, name="export_download"),
]
