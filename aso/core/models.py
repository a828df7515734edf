"""Platform infrastructure: the user, the access log and background jobs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.models import HistoricalRecords

from aso.core.choices import AccessAction, Agency, JobStatus


class User(AbstractUser):
    """A person who signs in. Roles are Django groups named by role code (see aso.core.roles).

    `agency` scopes a state-agency viewer to its agency's population; it is blank for everyone else.
    """

    agency = models.CharField(max_length=8, choices=Agency.choices, blank=True)
    preferred_language = models.CharField(max_length=8, default="en")
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__in=[*Agency.values, ""]), name="user_agency_valid"
            )
        ]

    @property
    def role_codes(self) -> frozenset[str]:
        """The role codes this user holds (cached per instance)."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = frozenset(self.groups.values_list("name", flat=True))
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))


class AccessLog(models.Model):
    """One read of member data by a person: who, what, when, from where.

    Written by `aso.core.audit.access_log_record` from every page, API answer and export that shows member
    data. `subject` is the record read (a member, a request, ...); exports naming many members add one
    AccessLogItem per member. No PHI is stored here: ids only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=12, choices=AccessAction.choices)
    view_name = models.CharField(max_length=120, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.BigIntegerField(null=True, blank=True)
    subject_count = models.PositiveIntegerField(default=0)
    purpose = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="accesslog_subject_idx")
        ]
        permissions = [("view_access_log", "Read the access log")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values), name="accesslog_action_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.subject_type_id}:{self.subject_id} at {self.occurred_at}"


class AccessLogItem(models.Model):
    """One more subject of a multi-record read (an export naming thousands of members)."""

    log = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="items")
    subject_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["subject_id"], name="accesslogitem_subject_idx")]


def job_result_path(job: Job, filename: str) -> str:
    return f"jobs/{job.pk}/{filename}"


class Job(models.Model):
    """Background work with a persisted status: queued -> running -> succeeded | failed.

    Progress (0-100) and a short message are updated while it runs; `counts` and `result` hold what it
    produced; `log` keeps the lines a person reads to know what happened. Work is done by a handler
    registered for `kind` (see aso.core.jobs).
    """

    kind = models.CharField(max_length=60, db_index=True)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    input_file = models.FileField(upload_to=job_result_path, blank=True, max_length=300)
    result_file = models.FileField(upload_to=job_result_path, blank=True, max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_all_jobs", "See every background job"),
            ("export_oversight", "Export oversight workbooks for one's agency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="job_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
