"""Complaints and grievances: received, acknowledged and resolved on dated clocks, with notices to the
member in English or Spanish (42 CFR 438 subpart F: grievances are any dissatisfaction other than an
adverse benefit determination, which is an appeal)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from relations.choices import (
    ContactChannel,
    GrievanceFiler,
    GrievanceOutcome,
    GrievanceStatus,
    NoticeKind,
    NoticeLanguage,
)
from relations.models.contacts import Contact
from relations.models.reference import GrievanceCategory, ServiceClock


class Grievance(models.Model):
    """A grievance about a member's services. Its deadlines are fixed at receipt from the clock rows in
    force that day (recorded in `ack_clock` and `resolution_clock`), so a later change of the rules
    never moves a running clock and every past deadline can be explained."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="grievances"
    )
    category = models.ForeignKey(
        GrievanceCategory, on_delete=models.PROTECT, related_name="grievances"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="grievances"
    )
    received_at = models.DateTimeField(db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.CharField(max_length=16, choices=GrievanceFiler.choices)
    channel = models.CharField(
        max_length=10, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    about_provider = models.ForeignKey(
        "providers.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
    )
    description = models.TextField()
    notice_language = models.CharField(
        max_length=2, choices=NoticeLanguage.choices, default=NoticeLanguage.ENGLISH
    )
    acknowledge_by = models.DateField()
    resolve_by = models.DateField(db_index=True)
    ack_clock = models.ForeignKey(ServiceClock, on_delete=models.PROTECT, related_name="+")
    resolution_clock = models.ForeignKey(ServiceClock, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=GrievanceStatus.choices, default=GrievanceStatus.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_grievances",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=GrievanceOutcome.choices, blank=True)
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-received_at", "-pk"]
        permissions = [("manage_grievances", "File, acknowledge and resolve grievances")]
        indexes = [
            models.Index(fields=["status", "resolve_by"], name="grievance_status_due_idx"),
            models.Index(fields=["member", "received_at"], name="grievance_member_recvd_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GrievanceStatus.values), name="grievance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(filed_by__in=GrievanceFiler.values), name="grievance_filed_by_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ContactChannel.values), name="grievance_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(notice_language__in=NoticeLanguage.values),
                name="grievance_notice_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=[*GrievanceOutcome.values, ""]),
                name="grievance_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(acknowledge_by__lte=F("resolve_by")),
                name="grievance_due_dates_ordered",
                violation_error_message="The acknowledgment is due after the resolution.",
            ),
            models.CheckConstraint(
                condition=Q(status=GrievanceStatus.RECEIVED) | Q(acknowledged_at__isnull=False),
                name="grievance_acknowledged_has_time",
                violation_error_message="An acknowledged grievance records when it was acknowledged.",
            ),
            models.CheckConstraint(
                condition=~Q(status=GrievanceStatus.RESOLVED)
                | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="grievance_resolved_has_outcome",
                violation_error_message="A resolved grievance records when and how it was resolved.",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"G{self.pk:07d}" if self.pk else "G(new)"

    @property
    def is_open(self) -> bool:
        return self.status != GrievanceStatus.RESOLVED


class GrievanceNotice(models.Model):
    """A letter to the member about its grievance (acknowledgment or resolution), in its language."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    language = models.CharField(max_length=2, choices=NoticeLanguage.choices)
    body = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["grievance", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="grievance_notice_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=NoticeLanguage.values),
                name="grievance_notice_language_ok",
            ),
            models.UniqueConstraint(
                fields=["grievance", "kind"],
                name="grievance_notice_one_per_kind",
                violation_error_message="This grievance already has this notice.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice for grievance {self.grievance_id}"
