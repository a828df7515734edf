"""Interoperability records: which service codes map onto which level of care (reference data, one
table for FHIR and X12), and one audit row per call a provider system makes (no PHI: numbers and
counts, never names or ids)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class CodeKind(models.TextChoices):
    """The code sets a service line may carry, the same in both standards."""

    PROCEDURE = (
        "procedure",
        "Procedure (CPT/HCPCS): FHIR item.productOrService, X12 SV1-01/SV2-02 HC",
    )
    REVENUE = "revenue", "Revenue code (UB-04): FHIR item.revenue, X12 SV2-01"
    SERVICE_TYPE = "service_type", "Service type (X12 1365): FHIR item.category, X12 UM03"


class ServiceCode(models.Model):
    """A code a provider system may send for a service line (a CPT or HCPCS procedure, a UB-04
    revenue code, an X12 service type) and the level of care it asks for, whichever standard it
    comes by (FHIR PAS or X12 278). `place` narrows a service-type row to a CMS place of service
    (X12 UM04-1, FHIR Claim.item.locationCodeableConcept); blank means any place. Reference data
    (fixtures/interop_service_codes.yaml): a state changes what it accepts by editing the file.
    The FHIR code system of a row follows from its kind and code (interop.fhir.systems)."""

    kind = models.CharField(max_length=16, choices=CodeKind.choices)
    code = models.CharField(max_length=20)
    place = models.CharField(
        max_length=2, blank=True, help_text="Place of service code; blank = any place"
    )
    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="service_codes"
    )
    display = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level_of_care", "kind", "code", "place"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code", "place"], name="service_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=CodeKind.values), name="service_code_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} {self.place}".strip()


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
