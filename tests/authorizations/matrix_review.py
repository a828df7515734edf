"""Permission matrix entries for prior authorization and clinical review.

Providers see only their own organization's requests, notices and appeals (another's: 404); care
managers, physician advisors, ICMs and supervisors see all; RNMs, agencies, network and data operations
and admins see none of the clinical detail (404 on objects, 403 on pages).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from authorizations.models import (
    Appeal,
    Authorization,
    Episode,
    Notice,
    PeerToPeer,
    Request,
    TurnaroundClock,
)
from providers.models import LevelOfCare
from tests.matrix import ApiEntry, Entry, World, world_builder

VISIBLE = ("provider_staff", "provider_admin", "care_manager", "physician_advisor", "icm")
VISIBLE += ("clinical_supervisor",)
REVIEWERS = ("care_manager", "physician_advisor", "clinical_supervisor")
SUBMITTERS = ("provider_staff", "provider_admin", "care_manager")


def _expect(ok: tuple[str, ...], status: int, forbidden: int = 403) -> dict[str, int]:
    """`ok` roles get `status`; other roles that can see the object get 403; the rest 404."""
    return {role: status if role in ok else forbidden for role in VISIBLE} | {
        role: status for role in ok
    }


def _request(world: World, site: Any, suffix: str, status: str, **extra: Any) -> Request:
    now = timezone.now()
    return Request.objects.create(
        number=f"RM-{suffix}-0001",
        member=world.member_adult,
        site=site,
        level_of_care=LevelOfCare.objects.get(code="IP_PSY"),
        channel="web",
        review_path="prior_auth",
        urgency="expedited",
        received_at=now,
        due_at=now + dt.timedelta(hours=72),
        requested_start=timezone.localdate(),
        requested_end=timezone.localdate() + dt.timedelta(days=2),
        requested_units=3,
        diagnoses=["F32.2"],
        status=status,
        **extra,
    )


def _objects(world: World, site: Any, tag: str) -> dict[str, Any]:
    open_request = _request(world, site, f"{tag}1", "submitted")
    denied = _request(
        world,
        site,
        f"{tag}2",
        "denied",
        decided_at=timezone.now(),
        decided_by=world.users["physician_advisor"],
    )
    approved = _request(world, site, f"{tag}3", "approved", decided_at=timezone.now())
    episode = Episode.objects.create(
        member=world.member_adult,
        site=site,
        level_of_care=approved.level_of_care,
        admitted=approved.requested_start,
    )
    Authorization.objects.create(
        number=f"AM-{tag}-0001",
        request=approved,
        member=world.member_adult,
        site=site,
        level_of_care=approved.level_of_care,
        start=approved.requested_start,
        end=approved.requested_end,
        units=3,
        unit_type="day",
        episode=episode,
    )
    notice = Notice.objects.create(
        request=denied,
        kind="denial",
        recipient="member",
        language="en",
        template="t",
        subject="Your request is denied",
        body="NOTICE OF DENIAL",
        sha256="0" * 64,
        sent_at=timezone.now(),
    )
    appeal = Appeal.objects.create(
        number=f"PM-{tag}-0001",
        request=denied,
        notice=notice,
        party="provider",
        channel="web",
        filed_at=timezone.now(),
        reason="The member was still unsafe at home.",
        due_at=timezone.now() + dt.timedelta(days=30),
        due_clock=TurnaroundClock.objects.get(code="APPEAL_STANDARD"),
    )
    p2p = PeerToPeer.objects.create(
        request=denied,
        requested_at=timezone.now(),
        contact="Dr. Ortiz 860-555-0100",
        due_by=timezone.now() + dt.timedelta(days=1),
    )
    return {
        "open": open_request,
        "denied": denied,
        "approved": approved,
        "episode": episode,
        "notice": notice,
        "appeal": appeal,
        "p2p": p2p,
    }


@world_builder
def review_objects(world: World) -> None:
    world.extra["pa_a"] = _objects(world, world.site_a, "A")
    world.extra["pa_b"] = _objects(world, world.site_b, "B")


def _page(name: str, roles: tuple[str, ...]) -> Entry:
    return Entry(url=lambda w: reverse(name), expect=dict.fromkeys(roles, 200))


def _obj(
    name: str,
    key: str,
    ok: tuple[str, ...],
    status: int = 200,
    method: str = "get",
    kind: type[Entry] = Entry,
) -> Entry:
    def url_for(which: str) -> Any:
        def build(w: World) -> str:
            obj = getattr(w, which)[key]
            arg = obj.number if isinstance(obj, Request) else obj.pk
            return reverse(name, args=[arg])

        return build

    return kind(
        url=url_for("pa_a"),
        other_url=url_for("pa_b"),
        expect=_expect(ok, status),
        default=404,
        method=method,
        anonymous=302 if kind is Entry else 403,
    )


ALL_VISIBLE_OK = VISIBLE
STAFF_FILERS = (*SUBMITTERS, "physician_advisor", "clinical_supervisor")

REVIEW_ENTRIES: dict[str, Entry] = {
    "review:queue": _page("review:queue", REVIEWERS),
    "review:intake_phone": _page("review:intake_phone", ("care_manager",)),
    "review:request_list": _page("review:request_list", VISIBLE),
    "review:request_new": _page("review:request_new", SUBMITTERS),
    "review:appeal_list": _page("review:appeal_list", VISIBLE),
    "review:pa_metrics": _page("review:pa_metrics", ("clinical_supervisor",)),
    "review:pa_metrics_export": _page("review:pa_metrics_export", ("clinical_supervisor",)),
    "review:request_detail": _obj("review:request_detail", "open", VISIBLE),
    "review:request_review": _obj("review:request_review", "open", REVIEWERS, method="post"),
    "review:request_claim": _obj("review:request_claim", "open", REVIEWERS, 302, "post"),
    "review:request_assign": _obj(
        "review:request_assign", "open", ("clinical_supervisor",), 302, "post"
    ),
    "review:request_extend": _obj("review:request_extend", "open", REVIEWERS, 302, "post"),
    "review:request_info": _obj("review:request_info", "open", SUBMITTERS, 302, "post"),
    "review:request_concurrent": _obj("review:request_concurrent", "approved", SUBMITTERS),
    "review:appeal_new": _obj("review:appeal_new", "denied", STAFF_FILERS),
    "review:p2p_request": _obj("review:p2p_request", "denied", STAFF_FILERS, 302, "post"),
    "review:p2p_schedule": _obj("review:p2p_schedule", "p2p", REVIEWERS, 302, "post"),
    "review:p2p_record": _obj("review:p2p_record", "p2p", ("physician_advisor",), 302, "post"),
    "review:episode_discharge": _obj("review:episode_discharge", "episode", REVIEWERS),
    "review:notice_detail": _obj("review:notice_detail", "notice", VISIBLE),
    "review:notice_pdf": _obj("review:notice_pdf", "notice", VISIBLE),
    "review:appeal_detail": _obj("review:appeal_detail", "appeal", VISIBLE),
    "review:appeal_decide": _obj(
        "review:appeal_decide", "appeal", ("physician_advisor",), 200, "post"
    ),
}


REVIEW_API_ENTRIES: dict[str, Entry] = {
    "GET /api/v1/prior-auth/requests/": ApiEntry(
        url=lambda w: reverse("review_api:request-list"), expect=dict.fromkeys(VISIBLE, 200)
    ),
    # An empty request: submitters get past the permission check to the field errors.
    "POST /api/v1/prior-auth/requests/": ApiEntry(
        url=lambda w: reverse("review_api:request-list"),
        expect=dict.fromkeys(SUBMITTERS, 400),
        method="post",
    ),
    "GET /api/v1/prior-auth/requests/{number}/": _obj(
        "review_api:request-detail", "open", VISIBLE, kind=ApiEntry
    ),
    "POST /api/v1/prior-auth/requests/{number}/decision/": _obj(
        "review_api:request-decision", "open", REVIEWERS, 400, "post", kind=ApiEntry
    ),
    "GET /api/v1/prior-auth/requests/{number}/notices/": _obj(
        "review_api:request-notices", "denied", VISIBLE, kind=ApiEntry
    ),
}

# Answers that show a world member's data (each writes an AccessLog row).
for _name in (
    "review:queue",
    "review:request_list",
    "review:request_detail",
    "review:request_review",
    "review:appeal_list",
    "review:episode_discharge",
):
    REVIEW_ENTRIES[_name] = dataclasses.replace(REVIEW_ENTRIES[_name], member_data=True)
for _name in ("GET /api/v1/prior-auth/requests/", "GET /api/v1/prior-auth/requests/{number}/"):
    REVIEW_API_ENTRIES[_name] = dataclasses.replace(REVIEW_API_ENTRIES[_name], member_data=True)
