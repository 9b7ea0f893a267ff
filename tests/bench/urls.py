"""The portal's URLs plus the bench's floor view; never part of the production URLconf."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from partnership import extensions
from partnership.urls import urlpatterns as portal_urlpatterns

FLOOR_PATH = "/bench/floor/"


@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    """The cheapest page: the full middleware stack, no template, no database."""
    return HttpResponse("ok", content_type="text/plain")


# The floor is requested without a session, so it must be public like the health check.
# (The middleware reads this module-level set on every request.)
extensions.register_public_url("bench_floor")

urlpatterns = [path(FLOOR_PATH.lstrip("/"), floor, name="bench_floor"), *portal_urlpatterns]
