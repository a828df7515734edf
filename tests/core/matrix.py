"""Permission matrix entries for the platform's own pages (home, jobs, login, API docs)."""

from django.urls import reverse

from aso.core.models import Job
from tests.matrix import ALL_ROLES, Entry, World, world_builder


@world_builder
def jobs(world: World) -> None:
    world.extra["job_a"] = Job.objects.create(
        kind="reference_data_check", created_by=world.users["provider_staff"]
    )


EVERYONE_OK = dict.fromkeys(ALL_ROLES, 200)

ENTRIES = {
    "home": Entry(url=lambda w: reverse("home"), expect=EVERYONE_OK),
    "health": Entry(url=lambda w: reverse("health"), expect=EVERYONE_OK, anonymous=200),
    "login": Entry(url=lambda w: reverse("login"), expect={}, default=302, anonymous=200),
    "logout": Entry(
        url=lambda w: reverse("logout"), expect={}, default=302, method="post", anonymous=302
    ),
    "api-schema": Entry(url=lambda w: reverse("api-schema"), expect=EVERYONE_OK, anonymous=403),
    "api-docs": Entry(url=lambda w: reverse("api-docs"), expect=EVERYONE_OK, anonymous=403),
    "core:job_list": Entry(url=lambda w: reverse("core:job_list"), expect=EVERYONE_OK),
    # A job is its starter's: provider_staff started job_a; those who watch all jobs see it; others 404.
    "core:job_detail": Entry(
        url=lambda w: reverse("core:job_detail", args=[w.job_a.pk]),
        expect={"provider_staff": 200, "data_ops": 200, "admin": 200},
        default=404,
    ),
    "core:job_download": Entry(
        url=lambda w: reverse("core:job_download", args=[w.job_a.pk]), expect={}, default=404
    ),  # no file: 404 for everyone, anonymous redirected
}
