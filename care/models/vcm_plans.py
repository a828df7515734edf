"""VCM plans of care (one per family, a version row per revision), the community resource
directory plans link to, and the discharge with its outcome answers."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from care.models.vcm import VcmDischargeReason, VcmReferral


class CommunityResource(models.Model):
    """A community service or support a plan may name: type, towns served, ages, languages,
    the needs it meets (free tags such as 'respite', 'mentoring') and how to reach it."""

    name = models.CharField(max_length=160)
    kind = models.CharField("Type", max_length=60)
    towns = models.ManyToManyField("providers.Town", related_name="+", blank=True)
    min_age = models.PositiveSmallIntegerField(default=0)
    max_age = models.PositiveSmallIntegerField(default=21)
    languages = models.JSONField(default=list, blank=True)
    needs = models.JSONField(default=list, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[towns])

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="vcm_resource_unique_name"),
            models.CheckConstraint(
                condition=Q(max_age__gte=F("min_age")), name="vcm_resource_ages_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VcmPlan(models.Model):
    """The one plan of care of a family (one family, one plan). Its content lives in versions;
    ``team_providers`` are the provider organizations named on the current version's team: their
    staff may read the plan."""

    referral = models.OneToOneField(VcmReferral, on_delete=models.PROTECT, related_name="plan")
    current_version = models.PositiveSmallIntegerField(default=0)
    first_effective_on = models.DateField(null=True, blank=True)
    team_providers = models.ManyToManyField("providers.Provider", related_name="+", blank=True)
    resources = models.ManyToManyField(CommunityResource, related_name="plans", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"VCM plan {self.pk}"


class VcmPlanVersion(models.Model):
    """One revision of a plan, never edited: needs, strengths, goals with measurable indicators,
    the team with roles, services and supports (provider or community resource), review dates.

    ``effective_on`` is the day the family agreed to this version (the plan is effective then).
    """

    plan = models.ForeignKey(VcmPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    effective_on = models.DateField()
    needs = models.JSONField(default=list, blank=True)
    strengths = models.JSONField(default=list, blank=True)
    goals = models.JSONField(default=list, help_text="[{goal, indicator}]")
    team = models.JSONField(default=list, help_text="[{name, role, kind, provider_id}]")
    services = models.JSONField(
        default=list, blank=True, help_text="[{service, provider_id, resource_id}]"
    )
    next_review = models.DateField()
    change_note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="vcm_plan_version_unique"),
            models.CheckConstraint(
                condition=Q(next_review__gte=F("effective_on")),
                name="vcm_plan_review_after_effective",
            ),
        ]

    def __str__(self) -> str:
        return f"VCM plan {self.plan_id} version {self.number}"


class VcmDischarge(models.Model):
    """The end of a family's time in VCM: the reason and the outcome answers the program reports.

    ``services_met_needs``: the family was connected to services that met the child's needs;
    ``goals_met``: the youth met the plan's goals; ``satisfaction`` 1 (poor) to 5 (excellent), or
    empty when the family did not answer the survey.
    """

    referral = models.OneToOneField(VcmReferral, on_delete=models.PROTECT, related_name="discharge")
    discharged_on = models.DateField()
    reason = models.ForeignKey(VcmDischargeReason, on_delete=models.PROTECT, related_name="+")
    services_met_needs = models.BooleanField(default=False)
    goals_met = models.BooleanField(default=False)
    satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-discharged_on", "-pk"]
        indexes = [models.Index(fields=["discharged_on"], name="vcm_discharge_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__range=(1, 5)),
                name="vcm_discharge_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"VCM discharge {self.pk}"
