"""Writes of consequence for Partnerpotten and study visits.

Keyword-only, transactional, no request. Each validates with translated messages and leaves
nothing half-saved. Rows people can race for are locked:

- the call row while an application takes a number and while a grant is decided, so two
  decisions saved at the same moment cannot together exceed the call's envelope;
- an application while it is saved (with an optimistic ``version`` on top: two representatives
  drafting together get a conflict instead of overwriting each other), submitted (a double
  click gives one submission), withdrawn or decided;
- a grant while its status or report changes.

E-mails are written to the outbox in the same transaction (``partnerpot.notifications``);
PDFs are built on the pdf queue once the transaction has committed.

The package is split by sub-domain; this module re-exports the public functions so that
``from <app> import services; services.x(...)`` is the one way to call them.
"""

from partnership.locking import ConflictError

from ..criteria import (
    DEFAULT_APPEAL_TEXT,
    appeal_from_text,
    appeal_wording,
    criteria_document,
    criteria_from_text,
    criteria_in_force,
)
from ._common import (
    DEFAULT_REPORT_MONTHS_AFTER_END,
    NBSP,
    STORED_LANGUAGE,
    Section,
    Status,
    move_to,
)
from .applications import (
    FIELD_SECTION,
    FORM_FIELDS,
    application_create,
    application_save,
    budget_line_add,
    budget_line_remove,
    budget_total,
    checklist,
    co_applicant_add,
    co_applicant_remove,
    file_add,
    file_remove,
)
from .assessment import (
    ASSESSABLE,
    assessment_save,
    call_put_on_agenda,
    conflicted_person_ids,
    involved_partner_ids,
)
from .calls import (
    CALL_FIELDS,
    PUBLISHED_CALL_FIELDS,
    call_cancel,
    call_create,
    call_publish,
    call_update,
    criterion_add,
    criterion_remove,
    criterion_update,
    granted_total,
)
from .decisions import (
    Outcome,
    application_decide,
    envelope_status,
    report_due_date,
)
from .grants import (
    REPORT_TEXT_FIELDS,
    grant_cancel,
    grant_close,
    grant_pay_out,
    grant_record_repayment,
    grant_report_approve,
    grant_report_request_more,
    grant_report_save,
    grant_report_submit,
    report_checklist,
    spent_total,
    unspent,
)
from .submission import (
    AlreadySubmitted,
    application_submit,
    application_withdraw,
    info_request_answer,
    info_request_create,
)
from .visits import (
    VISIT_FIELDS,
    study_visit_create,
    study_visit_decide,
    study_visit_put_on_agenda,
    study_visit_report,
    study_visit_submit,
    study_visit_update,
    study_visit_withdraw,
)

__all__ = [
    "DEFAULT_APPEAL_TEXT",
    "appeal_from_text",
    "appeal_wording",
    "move_to",
    "ASSESSABLE",
    "AlreadySubmitted",
    "CALL_FIELDS",
    "ConflictError",
    "DEFAULT_REPORT_MONTHS_AFTER_END",
    "FIELD_SECTION",
    "FORM_FIELDS",
    "NBSP",
    "Outcome",
    "PUBLISHED_CALL_FIELDS",
    "REPORT_TEXT_FIELDS",
    "STORED_LANGUAGE",
    "Section",
    "Status",
    "VISIT_FIELDS",
    "application_create",
    "application_decide",
    "application_save",
    "application_submit",
    "application_withdraw",
    "assessment_save",
    "budget_line_add",
    "budget_line_remove",
    "budget_total",
    "call_cancel",
    "call_create",
    "call_publish",
    "call_put_on_agenda",
    "call_update",
    "checklist",
    "co_applicant_add",
    "co_applicant_remove",
    "conflicted_person_ids",
    "criteria_document",
    "criteria_from_text",
    "criteria_in_force",
    "criterion_add",
    "criterion_remove",
    "criterion_update",
    "envelope_status",
    "file_add",
    "file_remove",
    "grant_cancel",
    "grant_close",
    "grant_pay_out",
    "grant_record_repayment",
    "grant_report_approve",
    "grant_report_request_more",
    "grant_report_save",
    "grant_report_submit",
    "granted_total",
    "info_request_answer",
    "info_request_create",
    "involved_partner_ids",
    "report_checklist",
    "report_due_date",
    "spent_total",
    "study_visit_create",
    "study_visit_decide",
    "study_visit_put_on_agenda",
    "study_visit_report",
    "study_visit_submit",
    "study_visit_update",
    "study_visit_withdraw",
    "unspent",
]
