"""Every URL pattern the resolver knows, and a way to build a concrete URL for each.

Used by the authorization matrix: the list of routes comes from
``get_resolver()`` (ours, allauth's and the admin's), never from a hand-kept list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Route:
    key: str  # the qualified URL name, or "<ns>:<unnamed {route}>" for unnamed patterns
    name: str | None  # qualified name for reverse(), None when unnamed
    route: str  # the full pattern text, for messages
    params: tuple[str, ...]  # named path/regex parameters
    positional: int  # unnamed regex groups
    callback_module: str = ""

    @property
    def namespace(self) -> str:
        return self.key.split(":", 1)[0] if ":" in self.key else ""


def _params(pattern) -> tuple[tuple[str, ...], int]:
    regex = pattern.regex
    named = tuple(regex.groupindex)
    return named, regex.groups - len(named)


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                key = name or f"{namespace or ''}:<unnamed {route}>"
                named, positional = _params(p.pattern)
                routes.append(
                    Route(
                        key=key,
                        name=name,
                        route=route,
                        params=named,
                        positional=positional,
                        callback_module=p.callback.__module__,
                    )
                )

    walk(get_resolver().url_patterns, "", None)
    # Unnamed patterns can repeat a route under the same key; keep the first (it wins).
    unique: dict[str, Route] = {}
    for r in routes:
        unique.setdefault(r.key, r)
    return list(unique.values())


ADMIN_MODEL_VIEW = re.compile(r"^admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<view>\w+)$")


def object_for(ctx: dict[str, Any], app: str, model: str):
    """The test's object for an admin URL, else any row of that model, else None."""
    obj = ctx["objects"].get((app, model))
    if obj is None:
        model_class = apps.get_model(app, model)
        obj = model_class._default_manager.order_by("pk").first()
    return obj


def build_url(route: Route, ctx: dict[str, Any]) -> str:
    """A concrete URL for the route, with parameters taken from the test's objects.

    ``ctx`` maps parameter sources: ``objects`` ((app_label, model) -> instance),
    plus the portal's named objects (partner, person, body, membership,
    invitation, token).
    """
    name = route.name
    if name is None:
        # Unnamed admin patterns: "<app>/<model>/<path:object_id>/" redirects and the catch-all.
        m = re.match(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$", route.route)
        if m:
            obj = object_for(ctx, m["app"], m["model"])
            return f"/admin/{m['app']}/{m['model']}/{obj.pk if obj else 0}/"
        if route.route == "admin/(?P<url>.*)$":
            return "/admin/finnes-ikke/"
        raise KeyError(f"no URL builder for unnamed route {route.route!r}")

    portal_kwargs = {
        "partner_detail": {"pk": ctx["partner"].pk},
        "partner_edit": {"pk": ctx["partner"].pk},
        "person_detail": {"pk": ctx["person"].pk},
        "body_detail": {"pk": ctx["body"].pk},
        "membership_add": {"pk": ctx["body"].pk},
        "membership_edit": {"pk": ctx["membership"].pk},
        "membership_end": {"pk": ctx["membership"].pk},
        "invitation_revoke": {"pk": ctx["invitation"].pk},
        "invitation_accept": {"token": ctx["token"]},
        # allauth: keys that do not exist (the views answer with their "invalid link" pages).
        "account_confirm_email": {"key": "ugyldig-nokkel"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "ugyldig-nokkel"},
        # A WebAuthn key id that is nobody's.
        "mfa_remove_webauthn": {"pk": 999_999},
        "mfa_edit_webauthn": {"pk": 999_999},
        "admin:app_list": {"app_label": "partnership"},
    }
    if name in ctx.get("url_kwargs", {}):  # other apps' tests/<app>/matrix.py
        return reverse(name, kwargs=ctx["url_kwargs"][name](ctx))
    if name in portal_kwargs:
        return reverse(name, kwargs=portal_kwargs[name])
    if name == "admin:view_on_site":
        obj = ctx["partner"]
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(obj)
        return reverse(name, kwargs={"content_type_id": ct.pk, "object_id": obj.pk})
    m = ADMIN_MODEL_VIEW.match(name)
    if m and (route.params or route.positional):
        obj = object_for(ctx, m["app"], m["model"])
        if obj is None:
            # No row of this model in the test data: the admin is asked for one that does not exist.
            ctx.setdefault("missing", set()).add(route.key)
            return (
                reverse(name, args=[0, 0])
                if m["view"] == "simple_history"
                else reverse(name, kwargs={"object_id": 0})
            )
        if m["view"] == "simple_history":
            record = obj.history.order_by("history_id").first()
            return reverse(name, args=[obj.pk, record.history_id])
        return reverse(name, kwargs={"object_id": obj.pk})
    if route.params or route.positional:
        raise KeyError(f"no URL builder for {name!r} ({route.route})")
    return reverse(name)
