"""The paid-claims extract: code tables that map claim lines to levels of care, loads, rejections, lines.

Claim lines come from the state's MMIS (the ASO does not pay claims) and are never edited here, so
they keep no simple-history: each line points at the `ClaimsLoad` that wrote it (file name, sha256,
who, when), which is their provenance. Loads write in bulk (COPY on PostgreSQL).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from par.choices import CodeSystem, RejectionReason

ED = "ED"  # emergency-department visits: a claim category, not a level of care in the catalog


class ClaimCode(models.Model):
    """A procedure or revenue code and the level of care its claim lines count as, over dates.

    Reviewed data (fixtures/par_claim_codes.yaml). `level_of_care` is a catalog code, or "ED" for
    emergency-department visits. The row in force on a line's service-from date decides.
    """

    code_system = models.CharField(max_length=10, choices=CodeSystem.choices)
    code = models.CharField(max_length=10)
    level_of_care = models.CharField(max_length=20)
    description = models.CharField(max_length=200, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code_system", "code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_system", "code", "effective_from"], name="claimcode_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(code_system__in=CodeSystem.values), name="claimcode_system_valid"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="claimcode_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code_system} {self.code} -> {self.level_of_care}"

    def clean(self) -> None:
        """The level must be "ED" or a level of care of the catalog."""
        from providers.models import LevelOfCare

        if (
            self.level_of_care != ED
            and not LevelOfCare.objects.filter(code=self.level_of_care).exists()
        ):
            raise ValidationError(
                {"level_of_care": f"unknown level of care {self.level_of_care!r} (or use 'ED')"}
            )


class ClaimsLoad(models.Model):
    """One claims file loaded: the sha256 makes a second load of the same file a no-op.

    A load that fails (wrong layout, a database error) rolls back entirely and leaves no row; a
    load whose rows were all rejected is still recorded, with its rejections.
    """

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    first_service = models.DateField(null=True, blank=True)
    last_service = models.DateField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                name="claimsload_sha256_unique",
                violation_error_message="This file has already been loaded.",
            )
        ]

    def __str__(self) -> str:
        return f"Claims load {self.pk} ({self.file_name})"


class ClaimRejection(models.Model):
    """A row of a claims file that was not loaded, with the reason. `raw` is the row as read, for
    operations to correct the file; messages never repeat member data."""

    load = models.ForeignKey(ClaimsLoad, on_delete=models.CASCADE, related_name="rejections")
    line_number = models.PositiveIntegerField(help_text="Line in the file; the header is line 1")
    reason = models.CharField(max_length=20, choices=RejectionReason.choices)
    message = models.CharField(max_length=200)
    raw = models.TextField(blank=True)

    class Meta:
        ordering = ["load", "line_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=RejectionReason.values), name="claimrejection_reason_valid"
            )
        ]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


class ClaimLine(models.Model):
    """One paid claim line, with the level of care its codes map to (`ClaimCode`).

    Unique by (claim id, line). Member, provider and site indexes are left out on purpose: PAR reads
    lines by service date in bulk, and every index slows the load of millions of lines. Member, provider
    and site carry no database foreign-key constraint either: the loader resolves every reference
    itself in the same transaction (a line with an unknown one is rejected), the ORM still protects
    them from deletion, and the per-row constraint checks cost more than the rest of the load.
    """

    load = models.ForeignKey(ClaimsLoad, on_delete=models.PROTECT, related_name="lines")
    claim_id = models.CharField(max_length=30)
    line = models.PositiveSmallIntegerField()
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    site = models.ForeignKey(
        "providers.Site",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    service_from = models.DateField()
    service_to = models.DateField()
    procedure_code = models.CharField(max_length=10, blank=True)
    revenue_code = models.CharField(max_length=4, blank=True)
    primary_dx = models.CharField(max_length=8, blank=True)
    place_of_service = models.CharField(max_length=2, blank=True)
    paid_date = models.DateField()
    level_of_care = models.CharField(max_length=20)

    class Meta:
        ordering = ["claim_id", "line"]
        indexes = [models.Index(fields=["service_from"], name="claimline_service_from_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["claim_id", "line"],
                name="claimline_unique_line",
                violation_error_message="This claim line is already loaded.",
            ),
            models.CheckConstraint(
                condition=Q(service_to__gte=F("service_from")), name="claimline_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.claim_id}/{self.line}"
