"""The network: regions and towns, levels of care, provider organizations, sites and what they offer."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords

from providers.choices import (
    ChangeAction,
    ChangeEntity,
    ImportSource,
    ImportStatus,
    LevelCategory,
    ProviderKind,
    ProviderStatus,
    UnitType,
)
from providers.validators import validate_npi

zip_validator = RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a 5-digit ZIP code (or ZIP+4).")


class Region(models.Model):
    """A service region (the five DMHAS regions); its regional network manager reads its scorecards."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=80)
    network_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regions",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    """A Connecticut town and the region it belongs to."""

    name = models.CharField(max_length=60, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="towns")
    county = models.CharField(max_length=40, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LevelOfCare(models.Model):
    """A level of care in the service catalog (IP_PSY, OP, IOP, ...). Whether it needs prior
    authorization or a registration is an authorization rule, dated, not a property of the level."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=16, choices=LevelCategory.choices)
    setting = models.CharField(max_length=40, blank=True)
    unit_type = models.CharField(max_length=8, choices=UnitType.choices)
    substance_use = models.BooleanField(default=False, help_text="42 CFR Part 2 records")
    twenty_four_hour = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "level of care"
        verbose_name_plural = "levels of care"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=LevelCategory.values), name="loc_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(unit_type__in=UnitType.values), name="loc_unit_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A provider organization in the network, as enrolled in the state's MMIS."""

    npi = models.CharField("NPI", max_length=10, validators=[validate_npi])
    medicaid_id = models.CharField("Medicaid provider id", max_length=20)
    tax_id = models.CharField(max_length=10, blank=True)
    name = models.CharField("legal name", max_length=200)
    kind = models.CharField(max_length=16, choices=ProviderKind.choices)
    taxonomy = models.CharField("primary taxonomy", max_length=10, blank=True)
    status = models.CharField(
        max_length=12, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE
    )
    dcf_certified = models.BooleanField("DCF-certified", default=False)
    effective_date = models.DateField()
    termination_date = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=200, blank=True)
    practice_street = models.CharField("practice address", max_length=200, blank=True)
    practice_city = models.CharField(max_length=60, blank=True)
    practice_state = models.CharField(max_length=2, blank=True)
    practice_zip = models.CharField(max_length=10, blank=True)
    staff_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="provider"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_all_providers", "See every provider in the network"),
            ("manage_provider_file", "Maintain the provider file and run provider-file imports"),
            ("manage_own_staff", "Manage the staff accounts of one's own organization"),
            ("view_region_providers", "See the providers with a site in one's regions"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["npi"],
                name="provider_npi_unique",
                violation_error_message="Another provider already has this NPI.",
            ),
            models.UniqueConstraint(
                fields=["medicaid_id"],
                name="provider_medicaid_id_unique",
                violation_error_message="Another provider already has this Medicaid id.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProviderKind.values), name="provider_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProviderStatus.values), name="provider_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(termination_date__isnull=True)
                | Q(termination_date__gte=F("effective_date")),
                name="provider_termination_after_effective",
                violation_error_message="The termination date is before the effective date.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A service location of a provider; its town places it in a region."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="sites")
    site_number = models.CharField(max_length=12)
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="sites")
    zip_code = models.CharField(max_length=10, validators=[zip_validator])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sites")
    phone = models.CharField(max_length=20, blank=True)
    languages = models.JSONField(
        default=list, blank=True, help_text="Languages spoken, e.g. ['en', 'es']"
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name", "site_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "site_number"],
                name="site_number_unique_per_provider",
                violation_error_message="This provider already has a site with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site_number})"


class ServiceOffering(models.Model):
    """A level of care a site is contracted for, for an age range, over a date range."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="offerings")
    level_of_care = models.ForeignKey(
        LevelOfCare, on_delete=models.PROTECT, related_name="offerings"
    )
    min_age = models.PositiveSmallIntegerField(default=0)
    max_age = models.PositiveSmallIntegerField(default=120)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "level_of_care", "effective_from"]
        indexes = [models.Index(fields=["level_of_care", "site"], name="offering_level_site_idx")]
        constraints = [
            # The full rule (no two offerings of a level at a site overlap) is checked by
            # providers.rules.offering_conflict in every service; this is the database backstop.
            models.UniqueConstraint(
                fields=["site", "level_of_care"],
                condition=Q(effective_to__isnull=True),
                name="offering_one_open_per_site_level",
                violation_error_message="This site already has an open offering of this level of care.",
            ),
            models.UniqueConstraint(
                fields=["site", "level_of_care", "effective_from"],
                name="offering_unique_start",
                violation_error_message="This site already has this level of care from that date.",
            ),
            models.CheckConstraint(
                condition=Q(min_age__lte=F("max_age")),
                name="offering_age_range_valid",
                violation_error_message="The minimum age is above the maximum age.",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="offering_dates_ordered",
                violation_error_message="The end date is before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} offers {self.level_of_care.code}"


class ProviderStaff(models.Model):
    """A user who works for a provider organization; `is_admin` lets it manage its organization's staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_links"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="staff")
    is_admin = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "provider"],
                name="provider_staff_unique",
                violation_error_message="This user already belongs to this provider.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.provider}"


class ProviderGroupObjectPermission(GroupObjectPermissionBase):
    """guardian's object permission of a group on one provider, with a real foreign key (fast joins).

    Each provider organization's staff group holds `view_provider` on its own provider; later capabilities
    grant the same group permissions on the organization's requests, notices and scorecards.
    """

    content_object = models.ForeignKey(Provider, on_delete=models.CASCADE)


class ProviderImport(models.Model):
    """One run of a provider-file import or an NPPES refresh, and its change report.

    The report (`changes`) is computed and stored before anything is applied; applying is one transaction.
    `fingerprint` digests the planned changes, so an apply that would do something else than the report
    shows (the provider file changed in between) is refused.
    """

    source = models.CharField(max_length=16, choices=ImportSource.choices)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    file_date = models.DateField(help_text="Terminations by absence take effect on this date")
    full_file = models.BooleanField(
        default=True, help_text="A full file terminates what it does not list; a delta does not"
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ImportSource.values), name="provider_import_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="provider_import_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk} ({self.file_name})"

    @property
    def change_count(self) -> int:
        counts = self.counts or {}
        return sum(
            value
            for key, value in counts.items()
            if key.endswith(("_added", "_changed", "_terminated"))
        )


class ProviderImportChange(models.Model):
    """One line of a change report: an added, changed or terminated record, or a rejected file row.

    Values are stored as text as they were shown to the person who read the report.
    """

    provider_import = models.ForeignKey(
        ProviderImport, on_delete=models.CASCADE, related_name="changes"
    )
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=12, choices=ChangeAction.choices)
    entity = models.CharField(max_length=10, choices=ChangeEntity.choices)
    line = models.PositiveIntegerField(null=True, blank=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=200)
    field = models.CharField(max_length=40, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["provider_import", "seq"]
        indexes = [
            models.Index(
                fields=["provider_import", "action", "seq"], name="import_change_action_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_import", "seq"], name="import_change_seq_unique"
            ),
            models.CheckConstraint(
                condition=Q(action__in=ChangeAction.values), name="import_change_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(entity__in=ChangeEntity.values), name="import_change_entity_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.entity} {self.key}"
