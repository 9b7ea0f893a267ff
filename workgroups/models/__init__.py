from .accounts import AccountEntry, AccountTotal, OwnContribution, Voucher
from .plan import Activity, MeasurePlan, PlannedActivity
from .yearend import YearEndReport

__all__ = [
    "AccountEntry",
    "AccountTotal",
    "Activity",
    "MeasurePlan",
    "OwnContribution",
    "PlannedActivity",
    "Voucher",
    "YearEndReport",
]
