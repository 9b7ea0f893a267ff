"""The portal's form renderer (``FORM_RENDERER``).

Two things, both about the cost of a page's first render:

- ``field_template_name`` is the portal's one field template
  (``partnership/_field.html``: label, help text, widget with its ARIA links,
  error), so ``{{ form.x.as_field_group }}`` renders a field in Designsystemet
  markup without an ``{% include %}``.
- ``<select>`` widgets are written in Python rather than through Django's
  ``select.html``, which includes ``select_option.html`` and ``attrs.html`` once
  per option: a select of the 200 partners cost about 2 000 template node
  renders (profiled on the person, body and invitation pages). The markup is the
  same as Django's templates give (names and values escaped, ``True`` attributes
  bare, ``False`` ones left out); a project that overrides those templates
  would have to drop the shortcut.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

SELECT_TEMPLATE = "django/forms/widgets/select.html"
# The widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``
# (and a newline), and the textarea: written in Python too (``render_input``).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "text", "email", "number", "date", "url", "password", "tel", "search", "color", "time",
        "datetime", "hidden", "checkbox", "file",
    )
)  # fmt: skip
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"``, bare for ``True``, nothing for ``False``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(out)


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}`` in an escaping template: text escaped, safe text as is."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def render_input(widget: dict) -> str:
    """Django's ``input.html`` (and the one-line templates that include it), stripped as the
    renderer strips a template's output."""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def render_textarea(widget: dict) -> str:
    """Django's ``textarea.html``, stripped (its value starts after a newline)."""
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option.get("template_name", OPTION_TEMPLATE) != OPTION_TEMPLATE:
                return ""  # a custom option template: let Django render the whole select
            # Django's option template ends in a newline, which its include keeps.
            parts.append("\n  " + _option(option) + "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


FIELD_TEMPLATE = "partnership/_field.html"


def help_id(field) -> str:
    return f"{field.auto_id}-help"


def error_id(field) -> str:
    return f"{field.auto_id}-error"


def widget_html(field, **extra) -> str:
    """A bound field's widget with Designsystemet classes and ARIA links (``{% ds_widget %}``).

    ``aria-describedby`` points to the error message (first, so it is read first) and the
    help text; ``aria-invalid`` is set when the field has errors. Extra keyword arguments
    become attributes, with ``_`` turned into ``-`` (``data_autofocus=True`` gives
    ``data-autofocus``)."""
    widget = field.field.widget
    attrs: dict[str, object] = {}
    classes = [widget.attrs.get("class", ""), "ds-input"]
    attrs["class"] = " ".join(c for c in classes if c)
    described_by = []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described_by.append(error_id(field))
    if field.help_text:
        described_by.append(help_id(field))
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    for key, value in extra.items():
        if value is None or value is False or value == "":
            continue
        attrs[key.replace("_", "-")] = "" if value is True else value
    return field.as_widget(attrs=attrs)


def render_field_group(field) -> str | None:
    """``_field.html`` for ``{{ field.as_field_group }}``, written in Python: label, help
    text, widget with its ARIA links, error, in the template's markup (a form of seven fields
    cost two milliseconds through the template engine). ``None`` for hidden fields and radio
    or checkbox lists, which the template renders (a fieldset with a legend)."""
    widget = field.field.widget
    if field.is_hidden or isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return None
    help_html = ""
    if field.help_text:
        help_html = format_html(
            '<div data-field="description" id="{}">{}</div>',
            help_id(field),
            mark_safe(field.help_text),  # noqa: S308 - as the template's |safe
        )
    error_html = ""
    if field.errors:
        error_html = format_html(
            '<p class="ds-validation-message" data-field="validation" id="{}">{}</p>',
            error_id(field),
            " ".join(conditional_escape(e) for e in field.errors),
        )
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '\n<div class="ds-field">\n  {}\n  <label class="ds-label" data-weight="regular"'
            ' for="{}">{}</label>\n  {}\n  {}\n</div>\n',
            widget_html(field),
            field.id_for_label,
            field.label,
            help_html,
            error_html,
        )
    optional = ""
    if not field.field.required:
        optional = format_html(' <span class="portal-optional">{}</span>', _("(valgfritt)"))
    return format_html(
        '\n<div class="ds-field">\n  <label class="ds-label" for="{}">{}{}</label>\n  {}\n'
        "  {}\n  \n  {}\n</div>\n",
        field.id_for_label,
        field.label,
        optional,
        help_html,
        widget_html(field),
        error_html,
    )


class PortalFormRenderer(TemplatesSetting):
    """Renders with the project's template engine (its cached loader, its templates)."""

    field_template_name = FIELD_TEMPLATE

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            html = render_select(context["widget"])
            if html:
                return mark_safe(html)  # noqa: S308 - every value above is escaped
        elif template_name in INPUT_TEMPLATES:
            return mark_safe(render_input(context["widget"]))  # noqa: S308 - escaped there
        elif template_name == TEXTAREA_TEMPLATE:
            return mark_safe(render_textarea(context["widget"]))  # noqa: S308 - escaped there
        elif template_name == FIELD_TEMPLATE and set(context) == {"field"}:
            # as_field_group (no autofocus, hide_optional or help_after: those come by include)
            html = render_field_group(context["field"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


def render_pairs_select(name: str, attrs: dict, choices, selected: set[str]) -> str | None:
    """``render_select``'s markup straight from ``(value, label)`` choices, for a widget that
    skips Django's option dictionaries (``forms.PairsSelect``); ``None`` for grouped choices."""
    parts = [f'<select name="{conditional_escape(name)}"{_attrs(attrs)}>']
    chosen = False
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            return None  # optgroups: Django's way
        text = "" if value is None else str(value)
        mark = ""
        if not chosen and text in selected:  # a single select selects the first match only
            mark, chosen = " selected", True
        # A plain str label escaped as conditional_escape would (html.escape, quotes too)
        # without its checks: two hundred partners' names a render.
        shown = html.escape(label) if type(label) is str else conditional_escape(label)
        parts.append(f'\n  <option value="{html.escape(text)}"{mark}>{shown}</option>\n')
    parts.append("\n</select>")
    return "".join(parts)
