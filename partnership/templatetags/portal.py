"""Template helpers for the portal's Designsystemet markup.

Forms stay free of presentation: the classes and ARIA attributes that tie a
widget to its label, help text and errors are added here, when the field is
rendered (see ``templates/partnership/_field.html``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms, template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from partnership import formats
from partnership.forms_renderer import error_id, help_id, widget_html
from partnership.html import conditional_escape as escape
from partnership.html import format_html

register = template.Library()


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(field) -> bool:
    """Radio buttons and checkbox lists: rendered in a <fieldset> with a <legend>."""
    return isinstance(field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))


@register.filter
def field_help_id(field) -> str:
    return help_id(field)


@register.filter
def field_error_id(field) -> str:
    return error_id(field)


@register.simple_tag
def ds_widget(field, **extra):
    """A bound field's widget with Designsystemet classes and ARIA links
    (``forms_renderer.widget_html``)."""
    return widget_html(field, **extra)


@register.filter
def alert_color(message) -> str:
    """Designsystemet colour for a django.contrib.messages message."""
    return {
        "error": "danger",
        "warning": "warning",
        "success": "success",
        "info": "info",
        "debug": "info",
    }.get(getattr(message, "level_tag", ""), "info")


@register.filter
def money(value) -> str:
    """Kroner, through ``partnership.formats.money`` (the one rule for money everywhere)."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.money(amount)


@register.filter
def when(value) -> str:
    """A datetime in Europe/Oslo in the active language's one style (``formats.datetime``)."""
    return formats.datetime(value) if value else ""


@register.filter
def long_date(value) -> str:
    """The date with its weekday ("tirsdag 8. desember 2026", ``formats.long_date``)."""
    return formats.long_date(value) if value else ""


@register.filter
def page_range(page):
    """Page numbers around the current one, with ``None`` for a gap."""
    ellipsis = page.paginator.ELLIPSIS
    return [
        None if n == ellipsis else n
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


_PAGE_LINK = (
    '<li><a class="ds-button" data-variant="tertiary"{} href="{}">'
    '<span class="ds-sr-only">{} </span>{}</a></li>'
)
_STEP_LINK = '<li><a class="ds-button" data-variant="tertiary" href="{}">{}</a></li>'
_STEP_OFF = '<li><span class="ds-button" data-variant="tertiary" aria-hidden="true">{}</span></li>'


@register.simple_tag(takes_context=True)
def pagination(context, page):
    """A Paginator page's links, keeping the request's other query parameters (as
    ``{% querystring page=n %}`` writes them), and "Side n av m": written in Python, since a
    list page's dozen links through the template engine cost more than its rows (make bench).
    Nothing for a single page."""
    if not page.has_other_pages():
        return ""
    params = context.request.GET.copy()

    def to(number: int) -> str:
        params["page"] = number
        return f"?{params.urlencode()}"

    side = _("Side")
    links = []
    for number in page_range(page):
        if number is None:
            links.append("<li></li>")
        else:
            current = mark_safe(' aria-current="true"') if number == page.number else ""
            links.append(format_html(_PAGE_LINK, current, to(number), side, number))
    previous, following = _("Forrige"), _("Neste")
    return format_html(
        '<nav class="ds-pagination" aria-label="{}"><ul>{}{}{}</ul></nav>'
        '<p class="portal-muted">{}</p>',
        _("Sidenavigering"),
        format_html(_STEP_LINK, to(page.previous_page_number()), previous)
        if page.has_previous()
        else format_html(_STEP_OFF, previous),
        mark_safe("".join(links)),  # noqa: S308 - each built by format_html
        format_html(_STEP_LINK, to(page.next_page_number()), following)
        if page.has_next()
        else format_html(_STEP_OFF, following),
        _("Side %(number)s av %(pages)s")
        % {"number": page.number, "pages": page.paginator.num_pages},
    )


@register.filter
def orgnr(value) -> str:
    """A Norwegian organisation number in groups of three: ``974 760 673``."""
    digits = str(value or "")
    if len(digits) == 9 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


# Each language in its own name, whatever language the page is in.
_LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}


@register.simple_tag(takes_context=True)
def portal_header(context):
    """The page header of ``base.html``: the portal's name, the language form, who is signed
    in with the sign-out form, the main menu (``nav_items``, from the context processor) and
    the account menu. Written in Python: every page pays for it, and through the template
    engine it cost 0.7 ms of each (make bench)."""
    request = getattr(context, "request", None)
    user = context.get("user")
    language = translation.get_language()
    token = context.get("csrf_token")
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and str(token) != "NOTPROVIDED"  # as {% csrf_token %}
        else ""
    )
    path = request.path if request is not None else ""
    options = mark_safe(  # noqa: S308 - each option built by format_html
        "".join(
            format_html(
                '<option value="{}" lang="{}"{}>{}</option>',
                code,
                code,
                mark_safe(" selected") if code == language else "",
                _LANGUAGE_NAMES.get(code, name),
            )
            for code, name in settings.LANGUAGES
        )
    )
    tools = format_html(
        '<form class="portal-language" method="post" action="{}">{}'
        '<input type="hidden" name="next" value="{}">'
        '<label class="ds-label" data-weight="regular" for="portal-language">{}</label> '
        '<select class="ds-input" data-size="sm" id="portal-language" name="language">{}</select> '
        '<button type="submit" class="ds-button" data-variant="secondary" data-size="sm">{}'
        "</button></form>",
        reverse("set_language"),
        csrf,
        request.get_full_path() if request is not None else "",
        _("Språk"),
        options,
        _("Bytt språk"),
    )
    bar = ""
    if user is not None and user.is_authenticated:
        name = user.get_full_name() or user.email
        tools += format_html(
            '<p class="portal-user"> {} </p>'
            '<form class="portal-inline-form" method="post" action="{}">{}'
            '<button type="submit" class="ds-button" data-variant="secondary" data-size="sm">{}'
            "</button></form>",
            mark_safe(_("Logget inn som <strong>%(name)s</strong>") % {"name": escape(name)}),  # noqa: S308
            reverse("account_logout"),
            csrf,
            _("Logg ut"),
        )
        main_nav = ""
        items = context.get("nav_items")
        if items:
            main_nav = format_html(
                '<nav class="portal-nav" aria-label="{}"><ul>{}</ul></nav>',
                _("Hovedmeny"),
                mark_safe(  # noqa: S308 - each item built by format_html
                    "".join(
                        format_html(
                            '<li> <a href="{}"{}>{}</a> </li>',
                            item["url"],
                            mark_safe(' aria-current="page"') if item["current"] else "",
                            item["label"],
                        )
                        for item in items
                    )
                ),
            )
        account = []
        for url_name, label in (
            ("profile", _("Min profil")),
            ("mfa_index", _("Tofaktorinnlogging")),
            ("usersessions_list", _("Innlogginger")),
        ):
            url = reverse(url_name)
            current = mark_safe(' aria-current="page"') if path == url else ""
            account.append(format_html('<li><a href="{}"{}>{}</a></li>', url, current, label))
        bar = format_html(
            '<div class="portal-bar"><div class="portal-container portal-bar__inner">{}'
            '<nav class="portal-nav portal-nav--account" aria-label="{}"><ul>{}</ul></nav>'
            "</div></div>",
            main_nav,
            _("Konto"),
            mark_safe("".join(account)),  # noqa: S308 - each item built by format_html
        )
    return format_html(
        '<header class="portal-header"><div class="portal-container portal-header__top">'
        '<a class="portal-brand" href="{}"><span class="portal-brand__mark" aria-hidden="true">'
        "</span> {} </a>"
        '<div class="portal-tools">{}</div></div>{}</header>',
        reverse("home"),
        _("Partnerskap mot mobbing"),
        tools,
        bar,
    )
