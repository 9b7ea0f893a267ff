"""The reports app's models; each part lives in its own module, imported here so Django finds it."""

from .models_annual import AnnualReport, ReportRun  # noqa: F401
from .models_briefing import Briefing, PoliticalFlag  # noqa: F401
