"""Oversight data of our own: members' 42 CFR Part 2 consents to disclosure to a state agency."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from aso.core.choices import Agency
from oversight.choices import ConsentScope


class Consent(models.Model):
    """A member's written consent (42 CFR 2.31) to disclose substance-use records to one agency.

    It covers a disclosure on a day from `effective` to `expires` (inclusive, open-ended when empty),
    unless revoked on or before that day. Revocation is recorded, never deleted; history is kept.
    """

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="consents")
    recipient = models.CharField(max_length=8, choices=Agency.choices)
    scope = models.CharField(max_length=20, choices=ConsentScope.choices)
    effective = models.DateField()
    expires = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["member_id", "recipient", "-effective"]
        indexes = [models.Index(fields=["recipient", "member"], name="consent_recipient_member")]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__in=Agency.values), name="consent_recipient_valid"
            ),
            models.CheckConstraint(
                condition=Q(scope__in=ConsentScope.values), name="consent_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires__isnull=True) | Q(expires__gte=F("effective")),
                name="consent_expires_after_effective",
                violation_error_message="A consent cannot expire before it takes effect.",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk} to {self.recipient} ({self.scope})"
