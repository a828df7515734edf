"""Permission matrix entries for the ICM pages: ICMs see their own caseload, supervisors all;
providers, RNMs, agencies and every other role none (403 on the capability, 404 on the object)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from care.models import IcmAssignment, IcmCandidate, IcmProfile
from members.models import Member
from providers.models import Region
from tests.care.matrix_vcm import API_ENTRIES as VCM_API_ENTRIES
from tests.care.matrix_vcm import ENTRIES as VCM_ENTRIES
from tests.matrix import Entry, World, world_builder

SUPERVISOR_ONLY = {"clinical_supervisor": 200}
ICM_AND_SUPERVISOR = {"icm": 200, "clinical_supervisor": 200}
WRITES = {"icm": 302, "clinical_supervisor": 302}
REFERRERS = dict.fromkeys(("care_manager", "physician_advisor", "icm", "clinical_supervisor"), 200)


@world_builder
def icm_world(world: World) -> None:
    """The matrix ICM works member_child; another ICM works a third member; member_adult is an
    open candidate."""
    today = timezone.localdate()
    icm = world.users["icm"]
    profile = IcmProfile.objects.create(user=icm, languages=["en", "es"])
    profile.regions.set(Region.objects.filter(code__in=["R4", "R1"]))
    other = get_user_model().objects.create_user(username="matrix_other_icm")
    other.groups.add(Group.objects.get(name="icm"))
    IcmProfile.objects.create(user=other)
    world.extra["other_icm"] = other
    world.extra["assignment_a"] = IcmAssignment.objects.create(
        member=world.member_child,
        icm=icm,
        start=today - dt.timedelta(days=30),
        source="supervisor",
    )
    third = Member.objects.create(
        medicaid_id="100000003",
        last_name="Third",
        first_name="Tay",
        birth_date=dt.date(1970, 3, 3),
        region=world.member_adult.region,
    )
    world.extra["assignment_b"] = IcmAssignment.objects.create(
        member=third, icm=other, start=today - dt.timedelta(days=10), source="automatic"
    )
    world.extra["candidate_a"] = IcmCandidate.objects.create(
        member=world.member_adult,
        as_of=today,
        last_seen=today,
        triggers=["LONG_STAY"],
        evidence={"LONG_STAY": [1]},
    )


def _contact(w: World) -> dict[str, str]:
    when = timezone.localtime() - dt.timedelta(hours=1)
    return {"occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "channel": "phone", "note": "Called"}


def _post(url, expect, data) -> Entry:  # type: ignore[no-untyped-def]
    return Entry(url=url, expect=expect, method="post", data=data)


ENTRIES = {
    "care:icm_my_caseload": Entry(
        url=lambda w: reverse("care:icm_my_caseload"),
        expect={"icm": 200},
        member_data=True,
    ),
    "care:icm_caseloads": Entry(
        url=lambda w: reverse("care:icm_caseloads"), expect=SUPERVISOR_ONLY
    ),
    "care:icm_caseload": Entry(
        url=lambda w: reverse("care:icm_caseload", args=[w.users["icm"].pk]),
        expect=ICM_AND_SUPERVISOR,
        member_data=True,
    ),
    "care:icm_assignment": Entry(
        url=lambda w: reverse("care:icm_assignment", args=[w.assignment_a.pk]),
        expect=ICM_AND_SUPERVISOR,
        member_data=True,
    ),
    "care:icm_contact_add": _post(
        lambda w: reverse("care:icm_contact_add", args=[w.assignment_a.pk]), WRITES, _contact
    ),
    "care:icm_close": _post(
        lambda w: reverse("care:icm_close", args=[w.assignment_a.pk]),
        WRITES,
        lambda w: {"closed_reason": "goals_met", "note": ""},
    ),
    "care:icm_transfer": _post(
        lambda w: reverse("care:icm_transfer", args=[w.assignment_a.pk]),
        {"clinical_supervisor": 302},
        lambda w: {"icm": str(w.other_icm.pk), "reason": "Moved to Stamford"},
    ),
    "care:icm_candidates": Entry(
        url=lambda w: reverse("care:icm_candidates"),
        expect=SUPERVISOR_ONLY,
        member_data=True,
    ),
    "care:icm_candidate": Entry(
        url=lambda w: reverse("care:icm_candidate", args=[w.candidate_a.pk]),
        expect=SUPERVISOR_ONLY,
        member_data=True,
    ),
    "care:icm_candidate_assign": _post(
        lambda w: reverse("care:icm_candidate_assign", args=[w.candidate_a.pk]),
        {"clinical_supervisor": 302},
        lambda w: {"icm": str(w.users["icm"].pk), "reason": ""},
    ),
    "care:icm_candidate_dismiss": _post(
        lambda w: reverse("care:icm_candidate_dismiss", args=[w.candidate_a.pk]),
        {"clinical_supervisor": 302},
        lambda w: {"reason": "Already in ACT"},
    ),
    "care:icm_auto_assign": _post(
        lambda w: reverse("care:icm_auto_assign"), {"clinical_supervisor": 302}, None
    ),
    "care:icm_identify": _post(
        lambda w: reverse("care:icm_identify"), {"clinical_supervisor": 302}, None
    ),
    "care:icm_referral": Entry(url=lambda w: reverse("care:icm_referral"), expect=REFERRERS),
    **VCM_ENTRIES,
}

API_ENTRIES = VCM_API_ENTRIES
