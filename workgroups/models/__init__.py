from .accounts import AccountEntry, OwnContribution, Voucher
from .plan import Activity, MeasurePlan, PlannedActivity
from .yearend import YearEndReport

__all__ = [
    "AccountEntry",
    "Activity",
    "MeasurePlan",
    "OwnContribution",
    "PlannedActivity",
    "Voucher",
    "YearEndReport",
]
