"""Demo data for Partnerpotten (filled in by the issue-4 work)."""


def seed(*, stdout=None) -> None:
    return None
