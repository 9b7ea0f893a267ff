"""Extension points of the core: the apps above it add their menu entries and public pages
here, in their ``AppConfig.ready()``, so that ``partnership`` never names a higher app
(DESIGN.md §5; issue 9 §3). Calendar deadline sources and conflict-of-interest sources are
``meetings.extensions``; the same pattern."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    """A main-menu link: the URL name, its (lazy) label, where it goes in the menu (``order``,
    lower first) and the model permission it needs, if any."""

    url_name: str
    label: str | Promise
    order: int
    permission: str | None = None


_nav: dict[str, NavEntry] = {}
_public: set[str] = set()


def register_nav(url_name: str, label, *, order: int, permission: str | None = None) -> None:
    _nav[url_name] = NavEntry(url_name, label, order, permission)


def nav_entries() -> tuple[NavEntry, ...]:
    return tuple(sorted(_nav.values(), key=lambda e: (e.order, e.url_name)))


def register_public_url(*names: str) -> None:
    """URL names (namespaced: "meetings:calendar_feed") that anonymous visitors may open."""
    _public.update(names)


def public_url_names() -> frozenset[str]:
    return frozenset(_public)


# --- Notification kinds -----------------------------------------------------------------------
# Each app registers the kinds of e-mail it sends (a TextChoices class) and which of them a
# person cannot turn off; the outbox, the profile page's choices and the admin's labels read
# them from here, so the core lists no app's messages.
_kinds: dict[str, tuple] = {}  # value → (label, mandatory)


def register_notification_kinds(choices, *, mandatory=()) -> None:
    always = {str(m) for m in mandatory}
    for member in choices:
        _kinds[member.value] = (member.label, member.value in always)


def is_known_kind(kind: str) -> bool:
    return kind in _kinds


def is_mandatory_kind(kind: str) -> bool:
    return _kinds.get(kind, (None, False))[1]


def notification_kind_label(kind: str):
    return _kinds[kind][0] if kind in _kinds else kind


def optional_notification_kinds() -> list[tuple[str, object]]:
    """(value, label) of the kinds a person may turn off, in the order the apps registered."""
    return [(value, label) for value, (label, mandatory) in _kinds.items() if not mandatory]


# --- Decisions about the core's objects --------------------------------------------------------
# The decision register is ``meetings``'; the core asks it through this source (registered in
# meetings' ready()) whether a body of a kind has decided on an object (R1: a measure is ended
# only after a Ledermøte decision), which decisions may be linked, and links one.
@dataclass(frozen=True)
class DecisionRef:
    """A decision as the core sees it: no model of a higher app."""

    pk: int
    label: str
    title: str
    decided_on: object  # datetime.date
    url: str = ""

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()


class DecisionSource:
    """What an app that keeps a decision register provides (see ``register_decision_source``)."""

    def concerning(self, obj, *, body_kind: str) -> list[DecisionRef]:  # pragma: no cover
        raise NotImplementedError

    def linkable(self, obj, *, body_kind: str) -> list[DecisionRef]:  # pragma: no cover
        """Decisions of bodies of ``body_kind`` that concern nothing yet, or ``obj``."""
        raise NotImplementedError

    def link(self, obj, *, decision_pk: int, body_kind: str) -> DecisionRef:  # pragma: no cover
        raise NotImplementedError


_decision_source: list[DecisionSource] = []


def register_decision_source(source: DecisionSource) -> None:
    _decision_source[:] = [source]


def decision_source() -> DecisionSource | None:
    return _decision_source[0] if _decision_source else None
