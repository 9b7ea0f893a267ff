"""Partnerpotten and study visits, mounted at /partnerpotten/."""

from .views import applicant, grants, secretariat, visits

app_name = "partnerpot"

urlpatterns = [
    *applicant.urlpatterns,
    *secretariat.urlpatterns,
    *grants.urlpatterns,
    *visits.urlpatterns,
]
