"""The platform core's API: a machine client follows the background jobs it started.

`GET /api/v1/jobs/` and `GET /api/v1/jobs/{id}/`: the same visibility as the job pages (one's own jobs;
every job for those who watch jobs). Jobs carry counts and messages, never member data.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from aso.core.models import Job
from aso.core.selectors import jobs_visible_to


class JobSerializer(serializers.ModelSerializer):
    has_result_file = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "message",
            "counts",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "has_result_file",
        ]
        read_only_fields = fields

    def get_has_result_file(self, job: Job) -> bool:
        return bool(job.result_file)


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs visible to the caller, newest first."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Job]:
        return jobs_visible_to(user=self.request.user).order_by("-created_at", "-pk")


router = SimpleRouter()
router.register("jobs", JobViewSet, basename="job")

app_name = "core-api"
urlpatterns = [path("", include(router.urls))]
