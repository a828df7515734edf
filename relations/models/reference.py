"""Reference data of member and provider relations: dated clocks, the holiday calendar, and the
category lists staff pick from. Loaded from fixtures/ (see relations/reference.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from relations.choices import ClockUnit

DATES_ORDERED = Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from"))


class ServiceClock(models.Model):
    """A dated deadline of member or provider services: grievance acknowledgment and resolution, the age
    after which a bed report is stale. Business-day clocks skip weekends and the holidays of `calendar`.
    A grievance records the clock rows it was timed with."""

    code = models.CharField(max_length=40)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=ClockUnit.choices)
    calendar = models.CharField(
        max_length=20, default="CT_STATE", help_text="Holiday calendar for business days"
    )
    label = models.CharField(max_length=120)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"],
                name="service_clock_unique_start",
                violation_error_message="A clock with this code already starts that day.",
            ),
            models.CheckConstraint(
                condition=DATES_ORDERED,
                name="service_clock_dates_ordered",
                violation_error_message="The clock ends before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=ClockUnit.values), name="service_clock_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="service_clock_amount_positive",
                violation_error_message="A clock runs for at least one unit.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.amount} {self.unit}"


class Holiday(models.Model):
    """A day the offices of a calendar are closed (the observed date: a Saturday holiday is observed
    the Friday before, a Sunday one the Monday after, C.G.S. 1-4 and 5-254)."""

    calendar = models.CharField(max_length=20, default="CT_STATE")
    date = models.DateField()
    name = models.CharField(max_length=80)
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="holiday_unique_per_calendar",
                violation_error_message="This calendar already has a holiday on that day.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ContactCategory(models.Model):
    """What a contact to the service line was about (eligibility, complaint, grievance, ...)."""

    code = models.CharField(max_length=30, unique=True)
    label = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "contact categories"

    def __str__(self) -> str:
        return self.label


class GrievanceCategory(models.Model):
    """What a grievance is about (quality of care, access, a provider's conduct, the ASO's service, ...)."""

    code = models.CharField(max_length=30, unique=True)
    label = models.CharField(max_length=100)
    label_es = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "grievance categories"

    def __str__(self) -> str:
        return self.label
