"""Permission matrix entries for the eligibility pages and API.

Provider staff can only use the check; clinical staff see member pages (agency viewers and everyone else
cannot); data operations run loads. Members are not scoped by organization: a role either sees member
pages or gets 403.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from members.choices import LoadFormat, LoadMode, LoadStatus
from members.models import EligibilityLoad, EligibilitySpan, Program
from tests.matrix import Entry, World, world_builder

CHECKERS = (
    "provider_staff",
    "provider_admin",
    "care_manager",
    "physician_advisor",
    "icm",
    "clinical_supervisor",
)
CLINICAL = ("care_manager", "physician_advisor", "icm", "clinical_supervisor")


@world_builder
def eligibility(world: World) -> None:
    EligibilitySpan.objects.create(
        member=world.member_child,
        program=Program.objects.get(code="HUSKY_A"),
        start=dt.date(2020, 1, 1),
    )
    world.extra["load_a"] = EligibilityLoad.objects.create(
        file_name="state.csv",
        sha256="0" * 64,
        format=LoadFormat.CSV,
        mode=LoadMode.DELTA,
        as_of=dt.date(2026, 11, 1),
        status=LoadStatus.SUCCEEDED,
        created_by=world.users["data_ops"],
    )


def _inquiry(world: World) -> dict[str, str]:
    return {
        "medicaid_id": world.member_child.medicaid_id,
        "birth_date": world.member_child.birth_date.isoformat(),
        "date_of_service": "2026-11-02",
    }


ENTRIES = {
    "members:eligibility_check": Entry(
        url=lambda w: reverse("members:eligibility_check"), expect=dict.fromkeys(CHECKERS, 200)
    ),
    "members:member_search": Entry(
        url=lambda w: reverse("members:member_search"), expect=dict.fromkeys(CLINICAL, 200)
    ),
    "members:member_detail": Entry(
        url=lambda w: reverse("members:member_detail", args=[w.member_child.pk]),
        expect=dict.fromkeys(CLINICAL, 200),
    ),
    "members:load_list": Entry(
        url=lambda w: reverse("members:load_list"), expect={"data_ops": 200}
    ),
    "members:load_detail": Entry(
        url=lambda w: reverse("members:load_detail", args=[w.load_a.pk]), expect={"data_ops": 200}
    ),
    "members:load_rejections": Entry(
        url=lambda w: reverse("members:load_rejections", args=[w.load_a.pk]),
        expect={"data_ops": 200},
    ),
    "members:api_eligibility_inquiry": Entry(
        url=lambda w: reverse("members:api_eligibility_inquiry"),
        expect=dict.fromkeys(CHECKERS, 200),
        method="post",
        data=_inquiry,
        anonymous=403,
    ),
}
