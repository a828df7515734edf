"""Interoperability records: which service codes map onto which level of care (reference data), and
one audit row per call a provider system makes (no PHI: numbers and counts, never names or ids)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

SYSTEM_KINDS = ("procedure", "service_type", "revenue")


class ServiceCode(models.Model):
    """A code a provider system may send for a service line (a CPT or HCPCS procedure, an X12 service
    type, a UB-04 revenue code), and the level of care it asks for. Reference data
    (fixtures/interop_service_codes.yaml): a state changes what it accepts by editing the file."""

    system = models.CharField(max_length=200, help_text="Code system URI, as FHIR sends it")
    kind = models.CharField(max_length=16, help_text="procedure, service_type or revenue")
    code = models.CharField(max_length=20)
    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="service_codes"
    )
    display = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level_of_care", "system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="service_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=SYSTEM_KINDS), name="service_code_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} -> {self.level_of_care_id}"


class ApiCall(models.Model):
    """One call of a provider system (FHIR or X12): who, which operation, the answer. Member data
    reads are in the AccessLog besides; this row holds no PHI (request numbers and counts only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.CharField(max_length=100, blank=True, help_text="OAuth2 client, if any")
    standard = models.CharField(max_length=8, default="fhir")
    operation = models.CharField(max_length=40)
    status_code = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20, blank=True)
    request_numbers = models.JSONField(default=list, blank=True)
    issue_count = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.operation} {self.status_code}"
