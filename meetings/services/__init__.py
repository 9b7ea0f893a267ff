"""Writes of consequence for meetings, agendas, minutes and the decision register.

Keyword-only, transactional, no request: a view, a Celery task and a management
command share them. Each validates with translated messages, calls
``full_clean`` and leaves nothing half-saved (one ``transaction.atomic``).

Rows that two people can race for are locked: the number series
(``AgendaCounter``), a meeting while its status or time changes, minutes and
their entries while they are saved (with optimistic versions on top, so a
stale save is refused instead of silently overwriting), a proposal while it
is handled.

The package is split by sub-domain; this module re-exports the public functions so that
``from <app> import services; services.x(...)`` is the one way to call them.
"""

from partnership.locking import ConflictError

from ._common import (
    STORED_LANGUAGE,
)
from .agenda import (
    ITEM_FIELDS,
    agenda_item_create,
    agenda_item_update,
    agenda_reorder,
    attachment_add,
    attachment_remove,
)
from .agenda_templates import (
    agenda_template_apply,
    agenda_template_create,
    agenda_template_item_add,
    agenda_template_item_move,
    agenda_template_item_remove,
    agenda_template_item_update,
    agenda_template_update,
    seed_agenda_templates,
)
from .attendance import (
    AttendanceRefused,
    SheetRow,
    attendance_record,
    attendance_record_sheet,
    step_aside_record,
    step_aside_remove,
)
from .decisions import (
    REPORT_MEETING_KINDS,
    decision_link,
    decision_record,
)
from .documents import (
    document_version_adopt,
    document_version_create,
    governing_documents_seed,
)
from .meetings import (
    CALENDAR_FIELDS,
    WORKING_GROUP_KINDS,
    meeting_cancel,
    meeting_confirm,
    meeting_create,
    meeting_mark_held,
    meeting_move,
    meeting_record_held,
    meeting_reinstate,
    meeting_send_notice,
    meeting_send_supplement,
    meeting_settings_update,
    meeting_update,
    supplement_items,
)
from .minutes import (
    EmptyItemsNeedConfirmation,
    follow_up_create,
    follow_up_set_status,
    follow_up_update,
    minutes_approve,
    minutes_entry_save,
    minutes_gaps,
    minutes_save,
    minutes_start,
)
from .proposals import (
    proposal_accept,
    proposal_defer,
    proposal_return,
    proposal_submit,
    proposal_withdraw,
)
from .year_plan import (
    DEFAULT_MEETINGS_PER_YEAR,
    DEFAULT_SHAPE,
    FAGLIG_FORUM_MONTHS,
    FAGLIG_FORUM_SHAPE,
    MONTHS_BY_COUNT,
    NATIONAL_GROUP_START,
    SLOT_SHAPE,
    WORKING_GROUP_SHAPE,
    bulk_generate_year,
    generate_year,
)

__all__ = [
    "meeting_record_held",
    "EmptyItemsNeedConfirmation",
    "minutes_gaps",
    "CALENDAR_FIELDS",
    "ConflictError",
    "DEFAULT_MEETINGS_PER_YEAR",
    "DEFAULT_SHAPE",
    "FAGLIG_FORUM_MONTHS",
    "FAGLIG_FORUM_SHAPE",
    "ITEM_FIELDS",
    "MONTHS_BY_COUNT",
    "NATIONAL_GROUP_START",
    "REPORT_MEETING_KINDS",
    "SLOT_SHAPE",
    "STORED_LANGUAGE",
    "WORKING_GROUP_KINDS",
    "WORKING_GROUP_SHAPE",
    "agenda_item_create",
    "agenda_item_update",
    "agenda_reorder",
    "agenda_template_apply",
    "agenda_template_create",
    "agenda_template_item_add",
    "agenda_template_item_move",
    "agenda_template_item_remove",
    "agenda_template_item_update",
    "agenda_template_update",
    "attachment_add",
    "attachment_remove",
    "AttendanceRefused",
    "SheetRow",
    "attendance_record",
    "attendance_record_sheet",
    "bulk_generate_year",
    "decision_link",
    "decision_record",
    "document_version_adopt",
    "document_version_create",
    "follow_up_create",
    "follow_up_set_status",
    "follow_up_update",
    "generate_year",
    "governing_documents_seed",
    "meeting_cancel",
    "meeting_confirm",
    "meeting_create",
    "meeting_mark_held",
    "meeting_move",
    "meeting_reinstate",
    "meeting_send_notice",
    "meeting_send_supplement",
    "meeting_settings_update",
    "meeting_update",
    "supplement_items",
    "minutes_approve",
    "minutes_entry_save",
    "minutes_save",
    "minutes_start",
    "proposal_accept",
    "proposal_defer",
    "proposal_return",
    "proposal_submit",
    "proposal_withdraw",
    "seed_agenda_templates",
    "step_aside_record",
    "step_aside_remove",
]
