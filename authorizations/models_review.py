"""Clinical review of prior-authorization requests: criteria, reviews, notices, appeals, peer-to-peer.

Imported by `authorizations.models` so Django registers these models in the `authorizations` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from authorizations.choices import Channel
from authorizations.choices_review import (
    AppealOutcome,
    AppealParty,
    AppealStatus,
    ChecklistResult,
    CriterionKind,
    DischargeCodeKind,
    NoticeKind,
    NoticeLanguage,
    PeerToPeerOutcome,
    PeerToPeerStatus,
    Recipient,
)

DATES_ORDERED = Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from"))


class Holiday(models.Model):
    """A day the ASO's business calendar does not count as a business day (data, fixtures/holidays.yaml)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=80)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class ReviewCriterion(models.Model):
    """One level-of-care criterion, dated. Criteria of one `group` are alternatives (any one met meets the
    group); every group of a level and kind must be met for the criteria to be met."""

    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="criteria"
    )
    kind = models.CharField(max_length=16, choices=CriterionKind.choices)
    code = models.CharField(max_length=40)
    group = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    text_es = models.CharField(max_length=300)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level_of_care", "kind", "sort_order", "code"]
        verbose_name_plural = "review criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["level_of_care", "code", "effective_from"],
                name="criterion_unique_start",
                violation_error_message="This criterion already has a version from that day.",
            ),
            models.CheckConstraint(condition=DATES_ORDERED, name="criterion_dates_ordered"),
            models.CheckConstraint(
                condition=Q(kind__in=CriterionKind.values), name="criterion_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class DischargeCode(models.Model):
    """A discharge disposition or a discharge-delay reason (data, fixtures/discharge_codes.yaml)."""

    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=16, choices=DischargeCodeKind.choices)
    label = models.CharField(max_length=200)
    label_es = models.CharField(max_length=200)
    aftercare_expected = models.BooleanField(
        default=False, help_text="A discharge with this disposition must name its aftercare"
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DischargeCodeKind.values), name="discharge_code_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Review(models.Model):
    """A reviewer's criteria checklist for a request: met / not met / unknown per criterion, with notes.

    `answers` maps criterion code -> {"answer": ..., "note": ...}; `criteria` keeps the ids of the dated
    criterion rows used, so the review can be explained after the criteria change."""

    request = models.ForeignKey(
        "authorizations.Request", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    criteria = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    result = models.CharField(max_length=12, choices=ChecklistResult.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=ChecklistResult.values), name="review_result_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} of request {self.request_id}"


class Notice(models.Model):
    """A notice as sent: the rendered text is stored and never re-rendered, so what is shown, printed or
    downloaded is exactly what went out. `sha256` is the digest of `body` at sending."""

    request = models.ForeignKey(
        "authorizations.Request", on_delete=models.PROTECT, related_name="notices"
    )
    appeal = models.ForeignKey(
        "authorizations.Appeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    language = models.CharField(max_length=2, choices=NoticeLanguage.choices)
    template = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["request", "sent_at"], name="notice_request_sent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(recipient__in=Recipient.values), name="notice_recipient_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=NoticeLanguage.values), name="notice_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Notice {self.pk} ({self.kind}, {self.recipient}, {self.language})"


class Appeal(models.Model):
    """An appeal of an adverse decision (denial, partial approval, or a deadline missed), decided by a
    physician advisor who did not make the original decision."""

    number = models.CharField(max_length=20, unique=True)
    request = models.ForeignKey(
        "authorizations.Request", on_delete=models.PROTECT, related_name="appeals"
    )
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    party = models.CharField(max_length=10, choices=AppealParty.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    filed_at = models.DateTimeField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expedited = models.BooleanField(default=False)
    reason = models.TextField()
    due_at = models.DateTimeField(db_index=True)
    due_clock = models.ForeignKey(
        "authorizations.TurnaroundClock", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_appeals",
    )
    outcome = models.CharField(max_length=24, choices=AppealOutcome.choices, blank=True)
    explanation = models.TextField(blank=True)
    approved_units = models.PositiveIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hearing_last_day = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=[*AppealOutcome.values, ""]), name="appeal_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(party__in=AppealParty.values), name="appeal_party_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=AppealStatus.DECIDED, decided_at__isnull=False)
                | ~Q(status=AppealStatus.DECIDED),
                name="appeal_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PeerToPeer(models.Model):
    """A provider's request to discuss a decision with the physician advisor: offered within one business
    day (clock PEER_TO_PEER), scheduled, held and recorded."""

    request = models.ForeignKey(
        "authorizations.Request", on_delete=models.PROTECT, related_name="peer_to_peers"
    )
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.CharField(max_length=200, help_text="Treating clinician's name and phone")
    due_by = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=PeerToPeerStatus.choices, default=PeerToPeerStatus.REQUESTED
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=PeerToPeerOutcome.choices, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_by"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PeerToPeerStatus.values), name="p2p_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=[*PeerToPeerOutcome.values, ""]), name="p2p_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Peer-to-peer {self.pk} on request {self.request_id}"
