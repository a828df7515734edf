"""Permission matrix entries of utilization management, one module per capability."""

from tests.authorizations.matrix_registration import (
    REGISTRATION_API_ENTRIES,
    REGISTRATION_ENTRIES,
)
from tests.authorizations.matrix_review import REVIEW_API_ENTRIES, REVIEW_ENTRIES

ENTRIES = {**REGISTRATION_ENTRIES, **REVIEW_ENTRIES}
API_ENTRIES = {**REGISTRATION_API_ENTRIES, **REVIEW_API_ENTRIES}
