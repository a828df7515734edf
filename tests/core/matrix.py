"""Permission matrix entries for the platform's own pages (home, jobs, sign-in steps, API docs) and
its API (jobs)."""

from django.urls import reverse

from aso.core.models import Job
from tests.matrix import ALL_ROLES, ApiEntry, Entry, World, world_builder


@world_builder
def jobs(world: World) -> None:
    world.extra["job_a"] = Job.objects.create(
        kind="reference_data_check", created_by=world.users["provider_staff"]
    )


EVERYONE_OK = dict.fromkeys(ALL_ROLES, 200)
EVERYONE_REDIRECTED: dict[str, int] = {}  # with default=302
JOB_WATCHERS = {
    "provider_staff": 200,
    "data_ops": 200,
    "admin": 200,
}  # job_a's starter and watchers

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
        expect=JOB_WATCHERS,
        default=404,
    ),
    "core:job_download": Entry(
        url=lambda w: reverse("core:job_download", args=[w.job_a.pk]), expect={}, default=404
    ),  # no file: 404 for everyone, anonymous redirected
}
# The sign-in steps, for a session that already passed MFA: the code page sends it on; changing the
# authenticator, the password or the recovery codes first sends it to re-authenticate.
ENTRIES |= {
    "accounts:mfa_verify": Entry(
        url=lambda w: reverse("accounts:mfa_verify"), expect=EVERYONE_REDIRECTED, default=302
    ),
    "accounts:mfa_enrol": Entry(
        url=lambda w: reverse("accounts:mfa_enrol"), expect=EVERYONE_REDIRECTED, default=302
    ),
    "accounts:recovery_codes": Entry(
        url=lambda w: reverse("accounts:recovery_codes"), expect=EVERYONE_OK
    ),
    "accounts:recovery_codes_renew": Entry(
        url=lambda w: reverse("accounts:recovery_codes_renew"),
        expect=EVERYONE_REDIRECTED,
        default=302,
        method="post",
    ),
    "accounts:reauth": Entry(url=lambda w: reverse("accounts:reauth"), expect=EVERYONE_OK),
    "accounts:password_change": Entry(
        url=lambda w: reverse("accounts:password_change"), expect=EVERYONE_REDIRECTED, default=302
    ),
    "accounts:security": Entry(url=lambda w: reverse("accounts:security"), expect=EVERYONE_OK),
}

API_ENTRIES = {
    "GET /api/v1/jobs/": ApiEntry(url=lambda w: "/api/v1/jobs/", expect=EVERYONE_OK),
    "GET /api/v1/jobs/{id}/": ApiEntry(
        url=lambda w: f"/api/v1/jobs/{w.job_a.pk}/", expect=JOB_WATCHERS, default=404
    ),
}
