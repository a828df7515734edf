"""Care management models, one module per capability (icm: intensive care management)."""

from care.models.icm import (
    ContactNote,
    IcmAssignment,
    IcmCandidate,
    IcmCaseloadCap,
    IcmProfile,
    IcmReferral,
    IcmTrigger,
)

__all__ = [
    "ContactNote",
    "IcmAssignment",
    "IcmCandidate",
    "IcmCaseloadCap",
    "IcmProfile",
    "IcmReferral",
    "IcmTrigger",
]
