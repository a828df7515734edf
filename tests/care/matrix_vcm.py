"""Permission matrix entries for Voluntary Care Management: VCM coordinators see every family;
provider staff see only plans naming their organization (404 otherwise); agency viewers and
clinical supervisors see the aggregate dashboard only; the agency's referral system only sends."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from care.models import CommunityResource
from care.services.vcm_referrals import CaregiverData, vcm_referral_create, vcm_referral_engage
from providers.models import Town
from tests.matrix import ApiEntry, Entry, World, world_builder

COORD = {"vcm_coordinator": 200}
COORD_WRITE = {"vcm_coordinator": 302}
TEAM_READERS = {"vcm_coordinator": 200, "provider_staff": 200, "provider_admin": 200}
OUTCOME_READERS = {"vcm_coordinator": 200, "clinical_supervisor": 200, "agency_viewer": 200}
CAREGIVER = CaregiverData(
    first_name="Pat", last_name="Guardian", relationship="mother", phone="860-555-0101"
)


def _referral(world: World, ref_id: str, town: str, first: str, last: str, birth: dt.date):  # type: ignore[no-untyped-def]
    user = world.users["vcm_coordinator"]
    referral = vcm_referral_create(
        acting_user=user,
        agency_referral_id=ref_id,
        received_at=timezone.now() - dt.timedelta(days=5),
        child_first_name=first,
        child_last_name=last,
        child_birth_date=birth,
        town=Town.objects.get(name=town),
        problem_code="emotional",
        reason="Family asks for help",
        other_insurance_explored=True,
        consent=True,
        caregivers=[CAREGIVER],
    )
    return vcm_referral_engage(
        acting_user=user, referral=referral, on=timezone.localdate() - dt.timedelta(days=4)
    )


@world_builder
def vcm_world(world: World) -> None:
    """Family A (the world's child member) has a plan naming organization A; family B a plan
    naming organization B."""
    from care.services.vcm_plans import vcm_plan_revise

    user = world.users["vcm_coordinator"]
    child = world.member_child
    resource = CommunityResource.objects.create(name="Hartford Mentors", kind="mentoring")
    world.extra["vcm_resource"] = resource
    for side, provider, args in (
        ("a", world.provider_a, ("CL-A", "Hartford", child.first_name, child.last_name,
                                 child.birth_date)),
        ("b", world.provider_b, ("CL-B", "Stamford", "Robin", "Other", dt.date(2013, 2, 2))),
    ):  # fmt: skip
        referral = _referral(world, *args)
        version = vcm_plan_revise(
            acting_user=user,
            referral=referral,
            effective_on=timezone.localdate(),
            needs=["School support"],
            strengths=["Loving family"],
            goals=[{"goal": "Attend school", "indicator": "90% attendance"}],
            team=[
                {"name": "Parent", "role": "Mother", "kind": "family"},
                {
                    "name": "Clinic",
                    "role": "Therapist",
                    "kind": "provider",
                    "provider_id": provider.pk,
                },
            ],
            services=[{"service": "Mentoring", "resource_id": resource.pk}],
            next_review=timezone.localdate() + dt.timedelta(days=90),
        )
        world.extra[f"vcm_referral_{side}"] = referral
        world.extra[f"vcm_plan_{side}"] = version.plan


def _post(url, expect, data=None) -> Entry:  # type: ignore[no-untyped-def]
    return Entry(url=url, expect=expect, method="post", data=data)


def _ref(name: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(name, args=[w.vcm_referral_a.pk])


def _plan(name: str, side: str = "a"):  # type: ignore[no-untyped-def]
    return lambda w: reverse(name, args=[w.extra[f"vcm_plan_{side}"].pk])


def _attempt(w: World) -> dict[str, str]:
    when = timezone.localtime() - dt.timedelta(hours=1)
    return {"occurred_at": when.strftime("%Y-%m-%dT%H:%M"), "channel": "phone",
            "outcome": "reached", "note": ""}  # fmt: skip


def _api_referral(w: World) -> dict[str, object]:
    return {
        "agency_referral_id": "CL-API-1",
        "received_at": timezone.now().isoformat(),
        "child_first_name": "Jo",
        "child_last_name": "Api",
        "child_birth_date": "2012-01-01",
        "town": "Hartford",
        "problem": "behavioral",
        "reason": "Family asks for help",
        "other_insurance_explored": False,
        "consent": True,
        "caregivers": [{"first_name": "Lee", "last_name": "Api", "relationship": "father",
                        "phone": "860-555-0199"}],
    }  # fmt: skip


ENTRIES = {
    "care:vcm_referrals": Entry(
        url=lambda w: reverse("care:vcm_referrals"), expect=COORD, member_data=True
    ),
    "care:vcm_referral_new": Entry(url=lambda w: reverse("care:vcm_referral_new"), expect=COORD),
    "care:vcm_referral": Entry(url=_ref("care:vcm_referral"), expect=COORD, member_data=True),
    "care:vcm_attempt_add": _post(_ref("care:vcm_attempt_add"), COORD_WRITE, _attempt),
    "care:vcm_engage": _post(
        _ref("care:vcm_engage"), COORD_WRITE, lambda w: {"on": timezone.localdate().isoformat()}
    ),
    "care:vcm_discharge": _post(
        _ref("care:vcm_discharge"),
        COORD_WRITE,
        lambda w: {
            "discharged_on": timezone.localdate().isoformat(),
            "reason": "goals_met",
            "services_met_needs": "on",
            "goals_met": "on",
            "satisfaction": "5",
        },
    ),
    "care:vcm_plan_edit": Entry(url=_ref("care:vcm_plan_edit"), expect=COORD, member_data=True),
    "care:vcm_plans": Entry(
        url=lambda w: reverse("care:vcm_plans"), expect=TEAM_READERS, member_data=True
    ),
    "care:vcm_plan": Entry(
        url=_plan("care:vcm_plan"),
        other_url=_plan("care:vcm_plan", "b"),
        expect=TEAM_READERS,
        default=404,
        member_data=True,
    ),
    "care:vcm_plan_print": Entry(
        url=_plan("care:vcm_plan_print"),
        other_url=_plan("care:vcm_plan_print", "b"),
        expect=TEAM_READERS,
        default=404,
        member_data=True,
    ),
    "care:vcm_resources": Entry(url=lambda w: reverse("care:vcm_resources"), expect=COORD),
    "care:vcm_resources_import": Entry(
        url=lambda w: reverse("care:vcm_resources_import"), expect=COORD
    ),
    "care:vcm_outcomes": Entry(url=lambda w: reverse("care:vcm_outcomes"), expect=OUTCOME_READERS),
    "care:vcm_outcomes_xlsx": Entry(
        url=lambda w: reverse("care:vcm_outcomes_xlsx"), expect=OUTCOME_READERS
    ),
}

API_ENTRIES = {
    "POST /api/v1/care/referrals": ApiEntry(
        url=lambda w: reverse("care_api:vcm_referrals"),
        expect={"vcm_coordinator": 201, "agency_referrer": 201},
        method="post",
        data=_api_referral,
    ),
}
