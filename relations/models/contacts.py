"""The customer-service line: every contact, and the referrals given to callers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from relations.choices import CallerType, ContactChannel, ContactOutcome, Language
from relations.models.reference import ContactCategory


class Contact(models.Model):
    """One contact with the service line (a call, an email, a letter): who called, about what, for
    which member if any, what was done. A warm transfer names the care manager who took the caller."""

    received_at = models.DateTimeField(db_index=True)
    caller_type = models.CharField(max_length=12, choices=CallerType.choices)
    channel = models.CharField(
        max_length=10, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    # category and member: the composite indexes below lead with them, so no single-column index
    category = models.ForeignKey(
        ContactCategory, on_delete=models.PROTECT, related_name="contacts", db_index=False
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_contacts",
        db_index=False,
    )
    provider = models.ForeignKey(
        "providers.Provider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_contacts",
        help_text="The calling provider, when a provider called",
    )
    notes = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    warm_transfer_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty only on synthetic (seeded) rows",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("log_contact", "Record contacts with the service line"),
            ("view_contacts", "See the contact log and members' contacts"),
            ("view_service_reports", "See contact and grievance volume reports"),
        ]
        indexes = [
            models.Index(fields=["member", "received_at"], name="contact_member_received_idx"),
            models.Index(fields=["category", "received_at"], name="contact_category_recvd_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(caller_type__in=CallerType.values), name="contact_caller_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ContactChannel.values), name="contact_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ContactOutcome.values), name="contact_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~Q(outcome=ContactOutcome.WARM_TRANSFER)
                | Q(warm_transfer_to__isnull=False),
                name="contact_warm_transfer_names_care_manager",
                violation_error_message="A warm transfer names the care manager who took the call.",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk}"


class Referral(models.Model):
    """Providers given to a caller for a level of care, with the criteria searched (town or region,
    age, language). The sites given are its ReferralSite rows, in the order they were offered."""

    given_at = models.DateTimeField(db_index=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "providers.Town", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "providers.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    language = models.CharField(max_length=4, choices=Language.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    sites = models.ManyToManyField("providers.Site", through="ReferralSite", related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_at", "-pk"]
        permissions = [("give_referrals", "Search the provider file and record referrals")]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[*Language.values, ""]), name="referral_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=120),
                name="referral_age_plausible",
                violation_error_message="The age must be between 0 and 120.",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"


class ReferralSite(models.Model):
    """One site given in a referral; `rank` keeps the order it was offered in."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="given_sites")
    site = models.ForeignKey("providers.Site", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["referral", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "site"],
                name="referral_site_unique",
                violation_error_message="This site is already part of the referral.",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.referral_id} site {self.site_id}"
