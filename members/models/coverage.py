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
    # Reference rows, never deleted (PROTECT); no database-level constraint, so that a million
    # members load without a million row-by-row foreign-key checks (docs/eligibility.md).
    town = models.ForeignKey(
        "providers.Town",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    region = models.ForeignKey(
        "providers.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    dcf_involved = models.BooleanField("DCF-involved", default=False)
    temporary_id = models.BooleanField(
        default=False, help_text="A temporary id, valid before the MMIS record"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        bases=[LoadProvenance],
        user_db_constraint=False,
        no_db_index=["medicaid_id", "town", "region"],
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        permissions = [
            ("view_member_data", "See member pages and clinical detail"),
            ("check_eligibility", "Check a member's eligibility for a date of service"),
            ("load_eligibility", "Run eligibility-file loads"),
        ]
        # Staff search by name always gives the date of birth: a date narrows a million members to
        # a few dozen, and a date index builds fast (text indexes cost the bulk load most).
        indexes = [models.Index(fields=["birth_date", "last_name"], name="member_dob_name_idx")]
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
    The eligibility loader writes these rows set-based and guarantees their member and program exist
    (it joins them); the foreign keys carry no database-level constraint, so that a full file does not
    pay a row-by-row check per span (docs/eligibility.md). Deleting a member still cascades (Django).
    Lookups by member use the unique (member, program, start) index.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="spans", db_constraint=False, db_index=False
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="spans", db_constraint=False, db_index=False
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        bases=[LoadProvenance],
        user_db_constraint=False,
        no_db_index=["program"],
    )

    class Meta:
        ordering = ["member", "start"]
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
