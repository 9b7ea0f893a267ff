"""Writes of the workgroups app, split by sub-domain; ``from workgroups import services`` is
the one way in."""

from .budget import adoptable_meetings, budget_adopt

__all__ = ["adoptable_meetings", "budget_adopt"]
