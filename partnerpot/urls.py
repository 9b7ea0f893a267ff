"""Partnerpotten and study visits, mounted at /partnerpotten/."""

from .views import applicant, secretariat, visits

app_name = "partnerpot"

urlpatterns = [*applicant.urlpatterns, *secretariat.urlpatterns, *visits.urlpatterns]
