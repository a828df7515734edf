"""Permission matrix entries of registration: provider pages and API. Provider staff see and act on their
own organization's objects only (another's answer 404, so they cannot even learn it exists); clinical
staff see all but cannot register; everyone else, agency viewers included, sees none through these pages."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from authorizations.choices import Channel, RequestStatus
from authorizations.models import Authorization, AuthorizationRule, Request
from authorizations.numbers import next_number
from members.models import EligibilitySpan, Program
from providers.models import LevelOfCare, ServiceOffering
from tests.matrix import ApiEntry, Entry, World, world_builder

PROVIDERS = {"provider_staff": 200, "provider_admin": 200}
CLINICAL_STAFF = ("care_manager", "physician_advisor", "icm", "clinical_supervisor")
SEE = {**PROVIDERS, **dict.fromkeys(CLINICAL_STAFF, 200)}
START = dt.date(2010, 1, 1)


def _registration(world: World, site, member, level: LevelOfCare) -> Authorization:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    rule = AuthorizationRule.objects.get(level_of_care=level, effective_to__isnull=True)  # in force
    request = Request.objects.create(
        number=next_number("R", on=today),
        member=member,
        site=site,
        level_of_care=level,
        channel=Channel.WEB,
        review_path="registration",
        received_at=timezone.now(),
        requested_start=today,
        requested_units=rule.initial_units,
        diagnoses=["F32.9"],
        status=RequestStatus.APPROVED,
        rule=rule,
    )
    return Authorization.objects.create(
        number=next_number("A", on=today),
        request=request,
        member=member,
        site=site,
        level_of_care=level,
        start=today,
        end=today + dt.timedelta(days=rule.initial_days - 1),
        units=rule.initial_units,
        unit_type=rule.unit_type,
    )


@world_builder
def registrations(world: World) -> None:
    """An IOP authorization at each organization's site, for the adult member (covered from 2010),
    and offerings of IOP and outpatient evaluation at A's site, so A's staff can register and extend.
    Only objects no other app's builder creates (builders share one world)."""
    EligibilitySpan.objects.create(
        member=world.member_adult, program=Program.objects.get(code="HUSKY_A"), start=START
    )
    iop, op_eval = LevelOfCare.objects.get(code="IOP"), LevelOfCare.objects.get(code="OP_EVAL")
    for level in (iop, op_eval):
        ServiceOffering.objects.create(site=world.site_a, level_of_care=level, effective_from=START)
    world.extra["registration_auth_a"] = _registration(world, world.site_a, world.member_adult, iop)
    world.extra["registration_auth_b"] = _registration(world, world.site_b, world.member_adult, iop)


def _new_registration(world: World) -> dict[str, object]:
    return {
        "member_id": world.member_adult.medicaid_id,
        "birth_date": world.member_adult.birth_date.isoformat(),
        "level_of_care": "OP_EVAL",
        "site": world.site_a.pk,
        "start_date": timezone.localdate().isoformat(),
        "diagnoses": ["F32.9"],
    }


def _request_url(name: str, which: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(name, args=[getattr(w, f"registration_auth_{which}").request.number])


def _auth_url(name: str, which: str):  # type: ignore[no-untyped-def]
    return lambda w: reverse(name, args=[getattr(w, f"registration_auth_{which}").number])


REGISTRATION_ENTRIES = {
    "registration:new": Entry(url=lambda w: reverse("registration:new"), expect=PROVIDERS),
    "registration:rule": Entry(
        url=lambda w: reverse("registration:rule") + "?level_of_care=OP&start=2026-01-05",
        expect=PROVIDERS,
    ),
    "registration:list": Entry(
        url=lambda w: reverse("registration:list"), expect=SEE, member_data=True
    ),
    "registration:export": Entry(
        url=lambda w: reverse("registration:export"), expect=SEE, member_data=True
    ),
    "registration:request_detail": Entry(
        url=_request_url("registration:request_detail", "a"),
        other_url=_request_url("registration:request_detail", "b"),
        expect=SEE,
        default=404,
        member_data=True,
    ),
    "registration:authorization_detail": Entry(
        url=_auth_url("registration:authorization_detail", "a"),
        other_url=_auth_url("registration:authorization_detail", "b"),
        expect=SEE,
        default=404,
        member_data=True,
    ),
    "registration:extend": Entry(
        url=_auth_url("registration:extend", "a"),
        other_url=_auth_url("registration:extend", "b"),
        expect={**PROVIDERS, **dict.fromkeys(CLINICAL_STAFF, 403)},
        default=404,
    ),
}

REGISTRATION_API_ENTRIES = {
    "POST /api/v1/registrations": ApiEntry(
        url=lambda w: reverse("registrations_api:registration_create"),
        method="post",
        data=_new_registration,
        expect={"provider_staff": 201, "provider_admin": 201},
        member_data=True,
    ),
    "GET /api/v1/registrations/{number}": ApiEntry(
        url=_request_url("registrations_api:registration_detail", "a"),
        other_url=_request_url("registrations_api:registration_detail", "b"),
        expect=SEE,
        default=404,
        member_data=True,
    ),
    "GET /api/v1/authorizations": ApiEntry(
        url=lambda w: reverse("registrations_api:authorization_list"),
        expect=SEE,
        member_data=True,
    ),
    "GET /api/v1/authorizations/{number}": ApiEntry(
        url=_auth_url("registrations_api:authorization_detail", "a"),
        other_url=_auth_url("registrations_api:authorization_detail", "b"),
        expect=SEE,
        default=404,
        member_data=True,
    ),
    "POST /api/v1/authorizations/{number}/extensions": ApiEntry(
        url=_auth_url("registrations_api:authorization_extend", "a"),
        other_url=_auth_url("registrations_api:authorization_extend", "b"),
        method="post",
        expect={"provider_staff": 201, "provider_admin": 201, **dict.fromkeys(CLINICAL_STAFF, 403)},
        default=404,
        member_data=True,
    ),
}
