"""Voluntary Care Management (VCM): the program's dated rules, referrals from the child-welfare
agency with the caregivers to reach, and the outreach attempts.

A referral arrives from DCF (the Careline); staff must make a first contact attempt within the
outreach clock, engage the family, write one plan of care with them (care.models.vcm_plans) and
discharge with a reason. Children are matched to an eligibility member when one matches; a referral
may arrive before that.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from aso.core.choices import Agency
from care.choices.vcm import AttemptChannel, AttemptOutcome, VcmStatus

DATES_ORDERED = Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from"))
DUPLICATE_REFERRAL = "A referral with this agency referral id exists already."


class VcmProgramRule(models.Model):
    """The VCM clocks and thresholds in force from a date (fixtures/vcm_program_rules.yaml)."""

    outreach_business_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    max_outreach_attempts = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    plan_due_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    max_age_years = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from"], name="vcm_rule_unique_start"),
            models.CheckConstraint(condition=DATES_ORDERED, name="vcm_rule_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"VCM rules from {self.effective_from}"


class VcmProblemCategory(models.Model):
    """A child's primary problem as referred; ``eligible`` ones are served (data)."""

    code = models.CharField(max_length=30, unique=True)
    label = models.CharField(max_length=120)
    eligible = models.BooleanField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "VCM problem categories"

    def __str__(self) -> str:
        return self.label


class VcmDischargeReason(models.Model):
    """Why a family left VCM; the flags say which outcome rates count it (data)."""

    code = models.CharField(max_length=30, unique=True)
    label = models.CharField(max_length=120)
    engaged = models.BooleanField(help_text="Counts in the 'connected to services' rate")
    ongoing_treatment = models.BooleanField(help_text="Counts in the 'met their goals' rate")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class VcmReferral(models.Model):
    """A family referred by the child-welfare agency: the child, the problem, consent, the clocks.

    Only referrals that pass the eligibility rules are saved (the checks are kept in
    ``eligibility``). ``first_attempt_due`` and ``plan_due`` are computed from the rule row in force
    (``rule``) when the referral arrives and when the family engages, so a later rule change never
    moves a running clock.
    """

    agency = models.CharField(max_length=8, choices=Agency.choices, default=Agency.DCF)
    agency_referral_id = models.CharField(max_length=40, unique=True)
    received_at = models.DateTimeField()
    child_first_name = models.CharField(max_length=60)
    child_last_name = models.CharField(max_length=60)
    child_birth_date = models.DateField()
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vcm_referrals",
    )
    town = models.ForeignKey("providers.Town", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("providers.Region", on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(VcmProblemCategory, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    other_insurance_explored = models.BooleanField()
    other_insurance_note = models.CharField(max_length=200, blank=True)
    consent = models.BooleanField()
    eligibility = models.JSONField(default=dict, blank=True)
    rule = models.ForeignKey(VcmProgramRule, on_delete=models.PROTECT, related_name="+")
    first_attempt_due = models.DateField()
    status = models.CharField(max_length=10, choices=VcmStatus.choices, default=VcmStatus.OUTREACH)
    engaged_on = models.DateField(null=True, blank=True)
    plan_due = models.DateField(null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("work_vcm", "Work Voluntary Care Management referrals, outreach, plans, discharges"),
            ("submit_vcm_referral", "Send VCM referrals (the child-welfare agency's system)"),
            ("view_vcm_outcomes", "See the VCM outcome dashboard (aggregate only)"),
            ("manage_vcm_resources", "Maintain and import the community resource directory"),
            ("view_team_plans", "Read VCM plans that name one's organization on the team"),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="vcm_referral_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VcmStatus.values), name="vcm_referral_status_valid"
            ),
            models.CheckConstraint(condition=Q(consent=True), name="vcm_referral_has_consent"),
            models.CheckConstraint(
                condition=Q(engaged_on__isnull=True) | Q(plan_due__isnull=False),
                name="vcm_referral_engaged_has_plan_due",
            ),
        ]

    def __str__(self) -> str:
        return f"VCM referral {self.pk}"


class VcmCaregiver(models.Model):
    """A caregiver to reach: a contact record, not a member."""

    referral = models.ForeignKey(VcmReferral, on_delete=models.CASCADE, related_name="caregivers")
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    relationship = models.CharField(max_length=40)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=3, default="en")
    primary = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-primary", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""), name="vcm_caregiver_reachable"
            ),
        ]

    def __str__(self) -> str:
        return f"Caregiver {self.pk}"


class VcmContactAttempt(models.Model):
    """An outreach attempt (or contact) with the family: channel and outcome."""

    referral = models.ForeignKey(VcmReferral, on_delete=models.PROTECT, related_name="attempts")
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=AttemptChannel.choices)
    outcome = models.CharField(max_length=14, choices=AttemptOutcome.choices)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=AttemptChannel.values), name="vcm_attempt_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=AttemptOutcome.values), name="vcm_attempt_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"VCM contact attempt {self.pk}"
