"""Writes of the workgroups app, split by sub-domain; ``from workgroups import services`` is
the one way in."""

from .accounts import (
    contribution_record,
    counted_total,
    entry_book,
    entry_decide,
    entry_delete,
    entry_record,
    entry_reverse,
    entry_set_status,
    entry_update,
    money_left,
    voucher_add,
)
from .budget import adoptable_meetings, budget_adopt
from .yearend import report_for, report_review, report_save, report_submit, year_close

__all__ = [
    "adoptable_meetings",
    "budget_adopt",
    "contribution_record",
    "counted_total",
    "entry_book",
    "entry_decide",
    "entry_delete",
    "entry_record",
    "entry_reverse",
    "entry_set_status",
    "entry_update",
    "money_left",
    "report_for",
    "report_review",
    "report_save",
    "report_submit",
    "voucher_add",
    "year_close",
]
