"""Codes of prior authorization and clinical review: criteria answers, decisions, notices, appeals."""

from django.db import models


class CriterionKind(models.TextChoices):
    ADMISSION = "admission", "Admission"
    CONTINUED_STAY = "continued_stay", "Continued stay"


class CriterionAnswer(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    UNKNOWN = "unknown", "Unknown"


class ChecklistResult(models.TextChoices):
    MET = "met", "Criteria met"
    NOT_MET = "not_met", "Criteria not met"
    INCOMPLETE = "incomplete", "Not all criteria answered"


class DecisionOutcome(models.TextChoices):
    """What a reviewer does with a request (the last three are medical-necessity decisions)."""

    APPROVE = "approve", "Approve"
    PEND = "pend", "Pend for information"
    REFER = "refer", "Refer to a physician advisor"
    PARTIAL = "partial", "Approve less than requested"
    DENY = "deny", "Deny"


class EpsdtFinding(models.TextChoices):
    """EPSDT review of a member under 21: is the service necessary to correct or ameliorate a condition?"""

    NOT_APPLICABLE = "not_applicable", "Not applicable (21 or older)"
    MET = "met", "EPSDT: necessary to correct or ameliorate"
    NOT_MET = "not_met", "EPSDT: not necessary to correct or ameliorate"


class NoticeKind(models.TextChoices):
    APPROVAL = "approval", "Approval"
    PARTIAL_APPROVAL = "partial_approval", "Partial approval"
    DENIAL = "denial", "Denial"
    EXTENSION = "extension", "Extension of the decision deadline"
    DEEMED_DENIAL = "deemed_denial", "Decision not made in time"
    APPEAL_DECISION = "appeal_decision", "Appeal decision"


ADVERSE_NOTICE_KINDS = (
    NoticeKind.PARTIAL_APPROVAL,
    NoticeKind.DENIAL,
    NoticeKind.DEEMED_DENIAL,
)


class Recipient(models.TextChoices):
    MEMBER = "member", "Member"
    PROVIDER = "provider", "Treating provider"


class NoticeLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class AppealStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld (the decision stands)"
    OVERTURNED = "overturned", "Overturned (approved)"
    PARTIALLY_OVERTURNED = "partially_overturned", "Partially overturned"


class AppealParty(models.TextChoices):
    MEMBER = "member", "The member (or the member's representative)"
    PROVIDER = "provider", "The provider, on the member's behalf"


class PeerToPeerStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class PeerToPeerOutcome(models.TextChoices):
    UPHELD = "upheld", "Decision upheld"
    RECONSIDER = "reconsider", "Advisor will reconsider with new information"


class DischargeCodeKind(models.TextChoices):
    DISPOSITION = "disposition", "Discharge disposition"
    DELAY_REASON = "delay_reason", "Discharge-delay reason"


class LegalStatus(models.TextChoices):
    VOLUNTARY = "voluntary", "Voluntary"
    INVOLUNTARY = "involuntary", "Involuntary (emergency certificate)"
    COURT_ORDERED = "court_ordered", "Court-ordered"
    CONSERVED = "conserved", "Under conservatorship"
    GUARDIAN_CONSENT = "guardian_consent", "Minor: parent or guardian consent"


class RiskLevel(models.TextChoices):
    NONE = "none", "None reported"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    IMMINENT = "imminent", "Imminent"


class ReviewEvent(models.TextChoices):
    """Event kinds written by the review services (authorizations.Event.kind)."""

    SUBMITTED = "pa_submitted", "Prior-authorization request received"
    CLAIMED = "claimed", "Claimed by a reviewer"
    ASSIGNED = "assigned", "Assigned"
    REVIEWED = "reviewed", "Criteria checklist recorded"
    PENDED = "pended", "Pended for information"
    INFO_RECEIVED = "info_received", "Information received"
    REFERRED = "referred", "Referred to a physician advisor"
    DECIDED = "decided", "Decided"
    EXTENDED = "extended", "Decision deadline extended"
    DEEMED_DENIED = "deemed_denied", "Deadline passed without a decision"
    NOTICE_SENT = "notice_sent", "Notice sent"
    P2P_REQUESTED = "p2p_requested", "Peer-to-peer requested"
    P2P_SCHEDULED = "p2p_scheduled", "Peer-to-peer scheduled"
    P2P_HELD = "p2p_held", "Peer-to-peer held"
    APPEAL_FILED = "appeal_filed", "Appeal filed"
    APPEAL_DECIDED = "appeal_decided", "Appeal decided"
    DISCHARGED = "discharged", "Discharge review recorded"
    SEEDED = "seeded", "Synthetic data"
