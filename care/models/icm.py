"""Intensive care management (ICM): trigger rules, caseload caps, ICM profiles, referrals,
candidates, assignments and contact notes.

A member is *identified* nightly as a candidate when a trigger in force is met (care.rules); a
supervisor (or the automatic mode) *assigns* the candidate to an ICM; the ICM works the caseload
and writes contact notes; an assignment ends by closure (with a reason) or transfer.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from care.choices.icm import (
    AssignmentSource,
    CandidateStatus,
    ClosedReason,
    ContactChannel,
    ReferralStatus,
)

DATES_ORDERED = Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from"))
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
ALREADY_ASSIGNED = (
    "The member already has an active intensive care manager; end that assignment first."
)
ALREADY_OPEN_CANDIDATE = "The member already has an open ICM candidate entry."
ALREADY_REFERRED = "The member already has an open referral to intensive care management."
LANGUAGES_INVALID = "Give language codes such as en, es, pt (two or three lower-case letters)."


class IcmTrigger(models.Model):
    """A dated rule that makes a member an ICM candidate (repeat admissions, readmission, ...)."""

    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=40, help_text="Which evaluator computes it")
    label = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="icm_trigger_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="icm_trigger_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class IcmCaseloadCap(models.Model):
    """The default caseload cap in force from a date (dated data from fixtures/).

    An ICM's own profile may set a different cap (a part-time ICM, a new hire ramping up).
    """

    default_cap = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from"], name="icm_cap_unique_start"),
            models.CheckConstraint(condition=DATES_ORDERED, name="icm_cap_dates_ordered"),
            models.CheckConstraint(condition=Q(default_cap__gte=1), name="icm_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"ICM caseload cap {self.default_cap} from {self.effective_from}"


def validate_language_codes(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(code, str) and LANGUAGE_CODE.match(code) for code in value
    ):
        raise ValidationError(LANGUAGES_INVALID)


def default_languages() -> list[str]:
    return ["en"]


class IcmProfile(models.Model):
    """How an ICM works: regions and languages served, an own caseload cap, taking new members.

    The user must hold the ``icm`` role to be assigned members; the profile only tunes how.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="icm_profile"
    )
    regions = models.ManyToManyField("providers.Region", related_name="+", blank=True)
    languages = models.JSONField(
        default=default_languages,
        validators=[validate_language_codes],
        help_text="Language codes spoken with members (en, es, ...)",
    )
    caseload_cap = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty: the default cap in force",
    )
    accepting = models.BooleanField("Taking new members", default=True)
    history = HistoricalRecords(m2m_fields=[regions])

    class Meta:
        ordering = ["user__username"]
        verbose_name = "ICM profile"
        constraints = [
            models.CheckConstraint(
                condition=Q(caseload_cap__isnull=True) | Q(caseload_cap__gte=1),
                name="icm_profile_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"ICM profile of user {self.user_id}"


class IcmReferral(models.Model):
    """A person's manual referral of a member to ICM: the ``referral`` trigger reads open ones.

    Closed when the candidate it raised is assigned or dismissed.
    """

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="icm_referrals"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    status = models.CharField(
        max_length=8, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="icm_referral_status_valid"
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status=ReferralStatus.OPEN),
                name="icm_referral_one_open_per_member",
                violation_error_message=ALREADY_REFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"ICM referral {self.pk}"


class IcmCandidate(models.Model):
    """A member identified for ICM: the triggers met and the evidence (episode, referral ids or
    diagnosis codes per trigger), open until a supervisor assigns or dismisses it.

    ``as_of`` is the run that first identified it, ``last_seen`` the latest run that still did;
    ``rule_ids`` the trigger rows in force, so the identification can be explained later.
    """

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="icm_candidates"
    )
    as_of = models.DateField()
    last_seen = models.DateField()
    triggers = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    rule_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    dismissal_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-as_of", "member_id"]
        indexes = [models.Index(fields=["status", "as_of"], name="icm_candidate_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CandidateStatus.values), name="icm_candidate_status_valid"
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status=CandidateStatus.OPEN),
                name="icm_candidate_one_open_per_member",
                violation_error_message=ALREADY_OPEN_CANDIDATE,
            ),
            models.CheckConstraint(
                condition=~Q(status=CandidateStatus.DISMISSED) | ~Q(dismissal_reason=""),
                name="icm_candidate_dismissal_has_reason",
                violation_error_message="A dismissal needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(last_seen__gte=F("as_of")), name="icm_candidate_seen_after_found"
            ),
        ]

    def __str__(self) -> str:
        return f"ICM candidate {self.pk}"


class IcmAssignment(models.Model):
    """A member on an ICM's caseload from ``start`` until ``end`` (open while active).

    At most one active assignment per member (named constraint). ``reason_codes`` say why this
    ICM (continuity, same_region, shared_language, lightest_caseload, over_cap, supervisor);
    ``reason`` is the supervisor's words, required when the cap was overridden.
    """

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="icm_assignments"
    )
    icm = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="icm_assignments"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=12, choices=AssignmentSource.choices)
    reason_codes = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    over_cap = models.BooleanField(default=False)
    closed_reason = models.CharField(max_length=16, choices=ClosedReason.choices, blank=True)
    closed_note = models.TextField(blank=True)
    candidate = models.ForeignKey(
        IcmCandidate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
        help_text="The assignment this transfer continues",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "-pk"]
        permissions = [
            ("work_caseload", "Work an intensive care management caseload"),
            ("assign_icm", "Review ICM candidates, assign, transfer; see every caseload"),
            ("refer_icm", "Refer a member to intensive care management"),
        ]
        indexes = [models.Index(fields=["icm", "end"], name="icm_assignment_icm_end_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(end__isnull=True),
                name="icm_assignment_one_active_per_member",
                violation_error_message=ALREADY_ASSIGNED,
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="icm_assignment_dates_ordered",
                violation_error_message="The assignment ends before it starts.",
            ),
            models.CheckConstraint(
                condition=(Q(end__isnull=True) & Q(closed_reason=""))
                | (Q(end__isnull=False) & Q(closed_reason__in=ClosedReason.values)),
                name="icm_assignment_closed_has_reason",
                violation_error_message="A closed assignment needs a closing reason.",
            ),
            models.CheckConstraint(
                condition=Q(source__in=AssignmentSource.values),
                name="icm_assignment_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(over_cap=False) | ~Q(reason=""),
                name="icm_assignment_override_has_reason",
                violation_error_message="Going over the caseload cap needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"ICM assignment {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.end is None


class ContactNote(models.Model):
    """A contact (or attempt) with or about a member on an ICM's caseload."""

    assignment = models.ForeignKey(IcmAssignment, on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=ContactChannel.choices)
    note = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["assignment", "occurred_at"], name="icm_contact_assignment_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=ContactChannel.values), name="icm_contact_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Contact note {self.pk}"
