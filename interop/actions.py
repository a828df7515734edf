"""The review action a provider system is answered with, for each request status: X12 code list 306
(HCR01 in a 278, `reviewAction.code` in a PAS ClaimResponse), one table for both standards."""

from __future__ import annotations

from authorizations.choices import RequestStatus

REVIEW_ACTION: dict[str, tuple[str, str]] = {
    RequestStatus.APPROVED: ("A1", "Certified in total"),
    RequestStatus.PARTIALLY_APPROVED: ("A2", "Certified - partial"),
    RequestStatus.DENIED: ("A3", "Not certified"),
    RequestStatus.REFUSED: ("A3", "Not certified"),
    RequestStatus.SUBMITTED: ("A4", "Pended"),
    RequestStatus.PENDED: ("A4", "Pended"),
    RequestStatus.IN_REVIEW: ("A4", "Pended"),
    RequestStatus.WITHDRAWN: ("C", "Cancelled"),
    RequestStatus.CANCELLED: ("C", "Cancelled"),
}
