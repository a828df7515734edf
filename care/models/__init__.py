"""Care management models, one module per capability (icm: intensive care management; vcm:
voluntary care management)."""

from care.models.icm import (
    ContactNote,
    IcmAssignment,
    IcmCandidate,
    IcmCaseloadCap,
    IcmProfile,
    IcmReferral,
    IcmTrigger,
)
from care.models.vcm import (
    VcmCaregiver,
    VcmContactAttempt,
    VcmDischargeReason,
    VcmProblemCategory,
    VcmProgramRule,
    VcmReferral,
)
from care.models.vcm_plans import CommunityResource, VcmDischarge, VcmPlan, VcmPlanVersion

__all__ = [
    "CommunityResource",
    "ContactNote",
    "IcmAssignment",
    "IcmCandidate",
    "IcmCaseloadCap",
    "IcmProfile",
    "IcmReferral",
    "IcmTrigger",
    "VcmCaregiver",
    "VcmContactAttempt",
    "VcmDischarge",
    "VcmDischargeReason",
    "VcmPlan",
    "VcmPlanVersion",
    "VcmProblemCategory",
    "VcmProgramRule",
    "VcmReferral",
]
