"""Permission matrix entries of utilization management, one table per capability (merged here)."""

from tests.authorizations.matrix_review import REVIEW_ENTRIES

ENTRIES = {**REVIEW_ENTRIES}
