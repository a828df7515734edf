"""X12 278 records: the interchange log (every call). The service-code map is `interop.ServiceCode`,
shared with FHIR.

The log keeps what a trading partner and an auditor need (who called, control numbers, counts, the
result of each transaction set, the request it created or answered) and no PHI: no member ids, names or
dates of birth; the problems are our plain-language messages about fields, never the values sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class InterchangeResult(models.TextChoices):
    ANSWERED = "answered", "Answered with a 278 response"
    REJECTED_TA1 = "rejected_ta1", "Envelope rejected (TA1)"
    REJECTED_999 = "rejected_999", "Group or transaction set rejected (999)"
    REJECTED_BODY = "rejected_body", "Not X12 text (HTTP 400)"


class Interchange(models.Model):
    """One call of POST /x12/278: the envelope's control numbers, counts and result."""

    received_at = models.DateTimeField(auto_now_add=True)
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sender_id = models.CharField(max_length=15, blank=True)
    control_number = models.CharField(max_length=9, blank=True)
    transactions = models.PositiveIntegerField(default=0)
    result = models.CharField(max_length=16, choices=InterchangeResult.choices)
    response_control_number = models.CharField(max_length=9)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=InterchangeResult.values), name="x12_interchange_result"
            ),
        ]


class TransactionLog(models.Model):
    """One 278 transaction set of an interchange and how it was answered (HCR action or AAA codes)."""

    interchange = models.ForeignKey(
        Interchange, on_delete=models.CASCADE, related_name="transaction_logs"
    )
    control_number = models.CharField(max_length=9)
    trace_number = models.CharField(max_length=50, blank=True)
    inquiry = models.BooleanField(default=False)
    request = models.ForeignKey(
        "authorizations.Request", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=2, blank=True, help_text="HCR01 answered")
    reject_codes = models.JSONField(default=list, blank=True, help_text="AAA03 codes answered")
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["trace_number"], name="x12_txn_trace")]
