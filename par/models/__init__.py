"""Provider Analysis and Reporting: measures, the claims extract, scoring runs and their results."""

from par.choices import Direction, MeasureUnit
from par.models.claims import ED, ClaimCode, ClaimLine, ClaimRejection, ClaimsLoad
from par.models.measures import Measure
from par.models.runs import (
    ImmutableRunError,
    ProviderScore,
    ScoreCase,
    ScoreRun,
    StatewideScore,
)

__all__ = [
    "ED",
    "ClaimCode",
    "ClaimLine",
    "ClaimRejection",
    "ClaimsLoad",
    "Direction",
    "ImmutableRunError",
    "Measure",
    "MeasureUnit",
    "ProviderScore",
    "ScoreCase",
    "ScoreRun",
    "StatewideScore",
]
