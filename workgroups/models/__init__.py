from .accounts import AccountEntry, OwnContribution, Voucher

__all__ = ["AccountEntry", "OwnContribution", "Voucher"]
