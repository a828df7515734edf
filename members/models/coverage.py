"""Who is covered: programs, members and their eligibility spans.

History: edits by people write simple-history rows as usual. Eligibility loads write their history rows
set-based in the load's transaction (members/loading/), tagged with the load (`LoadProvenance.load`), so
every change is traceable to the person or the load that made it and `history.as_of(t)` rebuilds any
member's coverage as recorded at any past moment (docs/eligibility.md).
"""

from __future__ import annotations

from datetime import date

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from members.choices import FundingAgency, Sex


class LoadProvenance(models.Model):
    """Added to the history rows of members and spans: the eligibility load that wrote the row (None
    when a person did, through `history_user`)."""

    load = models.ForeignKey(
        "members.EligibilityLoad",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        abstract = True


MEDICAID_ID_MESSAGE = "A Medicaid id is 9 letters or digits (leading zeros kept)."
medicaid_id_validator = RegexValidator(r"^[A-Z0-9]{9}$", MEDICAID_ID_MESSAGE)


class Program(models.Model):
    """A coverage program (HUSKY A/B/C/D, DCF Limited Benefit, state-funded adult) and its funding agency."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    agency = models.CharField(max_length=8, choices=FundingAgency.choices)
    description = models.TextField(blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    medicaid = models.BooleanField(
        default=True, help_text="Federally matched Medicaid/CHIP coverage"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__in=FundingAgency.values), name="program_agency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A covered person, keyed by the state client id (a 9-character string; leading zeros kept)."""

    medicaid_id = models.CharField("Medicaid id", max_length=9, validators=[medicaid_id_validator])
    last_name = models.CharField(max_length=60)
    first_name = models.CharField(max_length=60)
    middle_name = models.CharField(max_length=60, blank=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    language = models.CharField(
        max_length=8, default="en", help_text="Preferred language code (en, es, ...)"
    )
    town = models.ForeignKey(
        "providers.Town", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "providers.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dcf_involved = models.BooleanField("DCF-involved", default=False)
    temporary_id = models.BooleanField(
        default=False, help_text="A temporary id, valid before the MMIS record"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[LoadProvenance])

    class Meta:
        ordering = ["last_name", "first_name"]
        permissions = [
            ("view_member_data", "See member pages and clinical detail"),
            ("check_eligibility", "Check a member's eligibility for a date of service"),
            ("load_eligibility", "Run eligibility-file loads"),
        ]
        indexes = [
            models.Index(
                fields=["last_name", "first_name", "birth_date"], name="member_name_dob_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["medicaid_id"],
                name="member_medicaid_id_unique",
                violation_error_message="Another member already has this Medicaid id.",
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="member_sex_valid"),
        ]

    def __str__(self) -> str:
        return f"Member {self.pk}"  # no PHI in representations that may reach logs


class EligibilitySpan(models.Model):
    """Coverage of one member under one program from `start` to `end` (open-ended when null).

    Spans of one member and program never overlap: loads merge adjacent and overlapping spans.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="spans")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="spans")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[LoadProvenance])

    class Meta:
        ordering = ["member", "start"]
        indexes = [models.Index(fields=["member", "start"], name="span_member_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="span_start_before_end",
                violation_error_message="The span ends before it starts.",
            ),
            models.UniqueConstraint(
                fields=["member", "program", "start"],
                name="span_unique_start",
                violation_error_message="This member already has a span for this program from that date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.start} - {self.end or 'open'}"

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
