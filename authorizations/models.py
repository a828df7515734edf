"""Utilization management: dated rules, requests, authorizations, their events, and episodes of care."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from authorizations.choices import (
    AuthorizationStatus,
    Channel,
    ClockUnit,
    DecisionKind,
    RequestKind,
    RequestStatus,
    ReviewPath,
    Urgency,
)
from providers.choices import UnitType

DATES_ORDERED = Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from"))


class AuthorizationRule(models.Model):
    """How a level of care is authorized from a date: registration or prior authorization, units, spans
    and gates. Dated data from fixtures/; a decision records the rule row it used."""

    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="rules"
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    review_path = models.CharField(max_length=16, choices=ReviewPath.choices)
    auto_approve = models.BooleanField(
        default=True, help_text="Registrations approved at once when rules pass"
    )
    unit_type = models.CharField(max_length=8, choices=UnitType.choices)
    initial_units = models.PositiveIntegerField()
    initial_days = models.PositiveIntegerField(
        help_text="Length of the first authorization, in days"
    )
    max_units = models.PositiveIntegerField(help_text="Most units one authorization may carry")
    concurrent_interval_days = models.PositiveIntegerField(null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Inclusive: last age allowed"
    )
    programs = models.JSONField(
        default=list, blank=True, help_text="Program codes allowed; empty = all"
    )
    dcf_approval_required = models.BooleanField(default=False)
    dcf_certified_provider_required = models.BooleanField(default=False)
    max_backdate_days = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level_of_care", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["level_of_care", "effective_from"],
                name="rule_unique_start",
                violation_error_message="A rule for this level of care already starts that day.",
            ),
            models.CheckConstraint(
                condition=DATES_ORDERED,
                name="rule_dates_ordered",
                violation_error_message="The rule ends before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(review_path__in=ReviewPath.values), name="rule_review_path_valid"
            ),
            models.CheckConstraint(
                condition=Q(initial_units__lte=F("max_units")),
                name="rule_initial_within_max",
                violation_error_message="Initial units exceed the maximum units.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level_of_care.code} from {self.effective_from}"


class TurnaroundClock(models.Model):
    """A dated deadline: how long the ASO has to decide (or a member to appeal), and its source."""

    code = models.CharField(max_length=40)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=ClockUnit.choices)
    label = models.CharField(max_length=120)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="clock_unique_start"),
            models.CheckConstraint(condition=DATES_ORDERED, name="clock_dates_ordered"),
            models.CheckConstraint(condition=Q(unit__in=ClockUnit.values), name="clock_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.amount} {self.unit}"


class DecisionReason(models.Model):
    """A coded, specific reason for an adverse decision or a refusal, in English and Spanish."""

    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    label = models.CharField(max_length=200)
    label_es = models.CharField(max_length=200)
    explanation = models.TextField(help_text="Plain-language text for notices")
    explanation_es = models.TextField()
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="reason_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Request(models.Model):
    """A request for services: a registration, a prior-authorization request, a concurrent review or an
    extension. Status moves through RequestStatus; `version` guards against two people deciding at once."""

    number = models.CharField(max_length=20, unique=True)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="requests")
    site = models.ForeignKey("providers.Site", on_delete=models.PROTECT, related_name="requests")
    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="requests"
    )
    kind = models.CharField(max_length=12, choices=RequestKind.choices, default=RequestKind.INITIAL)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    review_path = models.CharField(max_length=16, choices=ReviewPath.choices)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.STANDARD)
    urgency_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    requested_start = models.DateField()
    requested_end = models.DateField(null=True, blank=True)
    requested_units = models.PositiveIntegerField(null=True, blank=True)
    diagnoses = models.JSONField(default=list, help_text="ICD-10-CM codes, principal first")
    clinical = models.JSONField(default=dict, blank=True, help_text="Structured review data")
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    refusals = models.JSONField(
        default=list, blank=True, help_text="[{code, message}] when refused"
    )
    decision_reason = models.ForeignKey(
        DecisionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        AuthorizationRule, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    # Clinical review (prior authorization): the clock used, gates shown to the reviewer, extension,
    # pend, referral, deemed denial, and the specific reason of an adverse decision.
    due_clock = models.ForeignKey(
        TurnaroundClock, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urgency_set_at = models.DateTimeField(null=True, blank=True)
    gates = models.JSONField(
        default=list, blank=True, help_text="[{code, passed, message}] checked at intake"
    )
    original_due_at = models.DateTimeField(null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    info_requested = models.TextField(blank=True)
    info_due_at = models.DateTimeField(null=True, blank=True)
    referred_at = models.DateTimeField(null=True, blank=True)
    deemed_denied_at = models.DateTimeField(null=True, blank=True)
    decision_criterion = models.ForeignKey(
        "authorizations.ReviewCriterion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    epsdt_finding = models.CharField(max_length=16, blank=True)
    epsdt_note = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
        help_text="The request this one continues",
    )
    extends = models.ForeignKey(
        "Authorization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="extension_requests",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-received_at"]
        permissions = [
            ("view_all_requests", "See every request and authorization"),
            ("submit_registration", "Register outpatient-type services"),
            ("submit_prior_auth", "Request prior authorization"),
            ("review_request", "Review requests and approve them"),
            ("decide_adverse", "Deny or partially approve on medical necessity"),
            ("decide_appeal", "Decide appeals"),
            ("manage_queue", "Assign and reassign reviews"),
            ("view_pa_metrics", "See the prior-authorization metrics"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="request_status_due_idx"),
            models.Index(fields=["member", "level_of_care"], name="request_member_level_idx"),
            # The review queue: open prior-authorization requests by time left, read 50 at a time.
            models.Index(
                fields=["due_at", "id"],
                name="request_open_queue_idx",
                condition=Q(
                    status__in=("submitted", "pended", "in_review"), review_path="prior_auth"
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="request_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RequestKind.values), name="request_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="request_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="request_urgency_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_path__in=ReviewPath.values), name="request_path_valid"
            ),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                name="request_idempotency_unique",
                condition=Q(idempotency_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        """The request's page: the clinical review for prior authorization, else the registration."""
        if self.review_path == ReviewPath.PRIOR_AUTH:
            return reverse("review:request_detail", args=[self.number])
        return reverse("registration:request_detail", args=[self.number])


class Authorization(models.Model):
    """What was approved: a number the provider bills with, dates and units."""

    number = models.CharField(max_length=20, unique=True)
    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="authorization")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="authorizations"
    )
    site = models.ForeignKey(
        "providers.Site", on_delete=models.PROTECT, related_name="authorizations"
    )
    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    units = models.PositiveIntegerField()
    unit_type = models.CharField(max_length=8, choices=UnitType.choices)
    status = models.CharField(
        max_length=10, choices=AuthorizationStatus.choices, default=AuthorizationStatus.ACTIVE
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="extensions"
    )
    episode = models.ForeignKey(
        "Episode", null=True, blank=True, on_delete=models.SET_NULL, related_name="authorizations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start"]
        indexes = [
            models.Index(
                fields=["member", "level_of_care", "end"], name="auth_member_level_end_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="auth_dates_ordered",
                violation_error_message="The authorization ends before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AuthorizationStatus.values), name="auth_status_valid"
            ),
            # Two identical registrations at the same moment cannot both be issued.
            models.UniqueConstraint(
                fields=["member", "site", "level_of_care", "start"],
                condition=Q(status=AuthorizationStatus.ACTIVE),
                name="auth_one_active_per_start",
                violation_error_message=(
                    "An active authorization for this member, site and level of care already "
                    "starts that day."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Event(models.Model):
    """Who did what to a request, and why: one row per state change."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.request_id}"


class Episode(models.Model):
    """A stay or course of care from admission to discharge, across its concurrent authorizations.
    What PAR and ICM read."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="episodes")
    site = models.ForeignKey("providers.Site", on_delete=models.PROTECT, related_name="episodes")
    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="+"
    )
    admitted = models.DateField()
    discharged = models.DateField(null=True, blank=True)
    principal_diagnosis = models.CharField(max_length=8, blank=True)
    disposition = models.CharField(max_length=40, blank=True)
    delay_days = models.PositiveIntegerField(default=0)
    delay_reason = models.CharField(max_length=40, blank=True)
    aftercare_date = models.DateField(null=True, blank=True)
    aftercare_provider = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-admitted"]
        indexes = [
            models.Index(fields=["member", "admitted"], name="episode_member_admitted_idx"),
            models.Index(fields=["discharged"], name="episode_discharged_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged__isnull=True) | Q(discharged__gte=F("admitted")),
                name="episode_dates_ordered",
                violation_error_message="The discharge is before the admission.",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk}"


class NumberSequence(models.Model):
    """The last number handed out per prefix and year (see authorizations.numbers)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.last}"


# Clinical-review models live in their own module (file size); imported here so Django registers them.
from authorizations.models_review import (
    Appeal,
    DischargeCode,
    Holiday,
    Notice,
    PeerToPeer,
    Review,
    ReviewCriterion,
)

__all__ = [
    "Appeal",
    "Authorization",
    "AuthorizationRule",
    "DecisionReason",
    "DischargeCode",
    "Episode",
    "Event",
    "Holiday",
    "Notice",
    "NumberSequence",
    "PeerToPeer",
    "Request",
    "Review",
    "ReviewCriterion",
    "TurnaroundClock",
]
