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

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
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
            out.append(f' {conditional_escape(name)}="{escape(str(value))}"')
    return "".join(out)


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


class PortalFormRenderer(TemplatesSetting):
    """Renders with the project's template engine (its cached loader, its templates)."""

    field_template_name = "partnership/_field.html"

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            html = render_select(context["widget"])
            if html:
                return mark_safe(html)  # noqa: S308 - every value above is escaped
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
        parts.append(
            f'\n  <option value="{escape(text)}"{mark}>{conditional_escape(label)}</option>\n'
        )
    parts.append("\n</select>")
    return "".join(parts)
