from .accounts import AccountEntry, OwnContribution, Voucher
from .yearend import YearEndReport

__all__ = ["AccountEntry", "OwnContribution", "Voucher", "YearEndReport"]
