"""The meeting page's agenda items, written once in Python with ``format_html`` (every value
escaped), as the accounts list writes its rows: ten items through the template engine, each
with its tags, decisions, attachments and move forms, cost half the page (profiled on the
bench data)."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from partnership.html import format_html, format_html_join
from partnership.viewhelpers import UrlPatterns

from ..models import AgendaItem
from ..selectors import AgendaRow

_EXEMPT_TAG = '<span class="ds-tag" data-color="warning">{}</span>'

_ATTACHMENT = (
    '<li><a class="ds-link" href="{}" download>{}</a> '
    '<span class="portal-muted">({})</span>{}{}</li>'
)
_REMOVE_FORM = (
    ' <form class="mt-inline-form" method="post" action="{0}" hx-post="{0}" hx-target="#agenda"'
    ' hx-swap="outerHTML">{1}<button type="submit" class="ds-button" data-variant="tertiary"'
    ' data-size="sm">{2}<span class="ds-sr-only"> {3}</span></button></form>'
)
_MOVE_FORM = (
    '<form method="post" action="{0}" hx-post="{0}" hx-target="#agenda" hx-swap="outerHTML">'
    '{1}<input type="hidden" name="direction" value="{2}">'
    '<button type="submit" class="ds-button" data-variant="tertiary" data-size="sm">{3}'
    '<span class="ds-sr-only"> {4}</span></button></form>'
)
_UPLOAD_LINK = (
    '<a class="ds-link" href="{0}" hx-get="{0}" hx-target="#attach-{1}" hx-swap="innerHTML">'
    '{2}<span class="ds-sr-only"> {3}</span></a>'
)
_EDIT_LINK = (
    '<a class="ds-button" data-variant="secondary" data-size="sm" href="{0}" hx-get="{0}"'
    ' hx-target="#item-{1}" hx-swap="outerHTML">{2}<span class="ds-sr-only"> {3}</span></a>'
)
_ITEM = (
    '<li id="item-{pk}"{autofocus}>\n'
    '<div class="mt-item-head">'
    '<h3 class="ds-heading" data-size="xs"><span class="mt-item-label">{label}</span> {title}'
    "{added}</h3>"
    ' <span class="ds-tag" data-color="neutral">{kind}</span>{exempt}</div>\n'
    "{body}</li>"
)


def agenda_items_html(
    request: HttpRequest,
    meeting,
    agenda: list[AgendaRow],
    *,
    editable: bool,
    moved: int | None = None,
) -> SafeString:
    """The ``<li>`` of every agenda item, as the page shows them: for an ``editable`` agenda
    with the attachment, edit and move controls (an item that carries ``attachment_form``, a
    failed upload, gets its form back with the errors)."""
    urls = UrlPatterns()
    kinds = {value: str(label) for value, label in AgendaItem.Kind.choices}
    added_tag = format_html(
        ' <span class="ds-tag" data-color="warning" data-size="sm">{}</span>', _("Tilleggssak")
    )
    exempt_text = _("Unntatt offentlighet (%(basis)s)")
    withheld = format_html(
        '<p class="mt-text">{}</p>',
        _(
            "Du er inhabil i denne saken og fratrer når den behandles. Forslaget til vedtak "
            "vises ikke for deg; vedtaket vises her når det er gjort."
        ),
    )
    proposed_label = _("Forslag til vedtak:")
    responsible_text = _("Ansvarlig: %(person)s")
    steps_label = _("Fratrer i saken:")
    decisions_label = _("Vedtak:")
    attachments_label = _("Vedlegg til %(item)s")
    if editable:
        csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
        remove, attach, edit = _("Fjern"), _("Legg ved fil"), _("Endre")
        up, down = _("Flytt opp"), _("Flytt ned")
    last = len(agenda) - 1
    html = []
    for index, item in enumerate(agenda):
        label = item.label
        parts = []
        if item.background:
            parts.append(format_html('<p class="mt-text">{}</p>', item.background))
        if item.withheld:
            parts.append(withheld)
        elif item.proposed_decision:
            parts.append(
                format_html(
                    '<p class="mt-text"><strong>{}</strong> {}</p>',
                    proposed_label,
                    item.proposed_decision,
                )
            )
        if item.responsible_id:
            parts.append(
                format_html(
                    '<p class="portal-muted">{}</p>',
                    responsible_text % {"person": item.responsible},
                )
            )
        steps = item.step_asides
        if steps:
            parts.append(
                format_html(
                    '<p class="portal-muted">{} {}</p>',
                    steps_label,
                    format_html_join(", ", "{}", ((name,) for name in steps)),
                )
            )
        decisions = item.decisions
        if decisions:
            parts.append(
                format_html(
                    "<p>{} {}</p>",
                    decisions_label,
                    format_html_join(
                        ", ",
                        '<a class="ds-link" href="{}">{}</a>',
                        ((urls("meetings:decision_detail", pk), text) for pk, text in decisions),
                    ),
                )
            )
        attachments = item.attachments
        if attachments:
            rows = []
            for attachment in attachments:
                rows.append(
                    format_html(
                        _ATTACHMENT,
                        urls("meetings:attachment_download", attachment.pk),
                        attachment.original_name,
                        filesizeformat(attachment.size),
                        (
                            format_html(
                                " " + _EXEMPT_TAG, exempt_text % {"basis": attachment.legal_basis}
                            )
                            if attachment.exempt
                            else ""
                        ),
                        (
                            format_html(
                                _REMOVE_FORM,
                                urls("meetings:attachment_delete", attachment.pk),
                                csrf,
                                remove,
                                attachment.original_name,
                            )
                            if editable
                            else ""
                        ),
                    )
                )
            parts.append(
                format_html(
                    '<ul class="mt-attachments" aria-label="{}">{}</ul>',
                    attachments_label % {"item": label},
                    mark_safe("".join(rows)),  # noqa: S308 - each row built by format_html
                )
            )
        if editable:
            form = item.attachment_form
            if form is not None:
                upload = render_to_string(
                    "meetings/attachment_upload.html#upload-form",
                    {"form": form, "item": item, "meeting": meeting},
                    request,
                )
            else:
                upload = format_html(
                    _UPLOAD_LINK,
                    urls("meetings:attachment_upload", item.pk),
                    item.pk,
                    attach,
                    label,
                )
            parts.append(format_html('<div id="attach-{}">{}</div>', item.pk, upload))
            move_url = urls("meetings:agenda_item_move", item.pk)
            parts.append(
                format_html(
                    '<div class="mt-inline-forms">{}{}{}</div>',
                    format_html(
                        _EDIT_LINK, urls("meetings:agenda_item_edit", item.pk), item.pk, edit, label
                    ),
                    format_html(_MOVE_FORM, move_url, csrf, "up", up, label) if index else "",
                    (
                        format_html(_MOVE_FORM, move_url, csrf, "down", down, label)
                        if index != last
                        else ""
                    ),
                )
            )
        html.append(
            format_html(
                _ITEM,
                pk=item.pk,
                autofocus=mark_safe(' data-autofocus tabindex="-1"') if moved == item.pk else "",
                label=label,
                title=item.title,
                added=added_tag if item.added_after_notice_at else "",
                kind=kinds.get(item.kind, item.kind),
                exempt=(
                    format_html(" " + _EXEMPT_TAG, exempt_text % {"basis": item.legal_basis})
                    if item.exempt
                    else ""
                ),
                body=mark_safe("\n".join(parts)),  # noqa: S308 - each part built by format_html
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each item built by format_html
