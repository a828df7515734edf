"""Provider communications: bulletins, alerts, newsletters, manual updates and trainings, addressed to
all providers or to some levels of care or regions, shown between their publication and expiry dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from relations.choices import BulletinKind


class Bulletin(models.Model):
    """A communication to providers. The audience is everyone (`audience_all`) or the providers with a
    site offering one of `audience_levels` and/or lying in one of `audience_regions` (level and region
    codes as published: the record keeps whom it was addressed to even if the catalog changes later).
    Shown from `publish_on` through `expires_on` (inclusive; open-ended when empty)."""

    kind = models.CharField(
        max_length=12, choices=BulletinKind.choices, default=BulletinKind.BULLETIN
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    audience_all = models.BooleanField(default=True)
    audience_levels = models.JSONField(default=list, blank=True, help_text="Level-of-care codes")
    audience_regions = models.JSONField(default=list, blank=True, help_text="Region codes")
    publish_on = models.DateField(db_index=True)
    expires_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-publish_on", "-pk"]
        permissions = [
            ("publish_bulletins", "Publish bulletins, alerts and newsletters to providers"),
            ("read_bulletins", "Read the bulletins addressed to one's organization"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=BulletinKind.values), name="bulletin_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("publish_on")),
                name="bulletin_expiry_after_publication",
                violation_error_message="The expiry date is before the publication date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: BulletinAttachment, filename: str) -> str:
    return f"bulletins/{instance.bulletin_id}/{filename}"


class BulletinAttachment(models.Model):
    """A file sent with a bulletin (a manual, a training flyer, a form)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["bulletin", "name"]

    def __str__(self) -> str:
        return self.name


class BulletinRead(models.Model):
    """A person marked a bulletin read. The receipt is itself the record (no history needed)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "user"],
                name="bulletin_read_once",
                violation_error_message="This bulletin is already marked read.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.bulletin_id}"
