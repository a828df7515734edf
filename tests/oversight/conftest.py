"""A small oversight world for 2026Q2 (Apr 1 - Jun 30 2026): five members of every age group, coverage,
registrations and prior-authorization requests with decisions, appeals and authorizations, two of them
substance-use. The expected numbers in the tests are counted by hand from this file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from authorizations.models import (
    Authorization,
    DecisionReason,
    Episode,
    Request,
    TurnaroundClock,
)
from authorizations.models_review import Appeal
from authorizations.rules.clocks import NEW_YORK
from care.models import IcmAssignment
from members.models import EligibilitySpan, Member, Program
from oversight.rules import agency_scope
from oversight.selectors import ExportContext
from par.rules import period_from_label
from providers.models import LevelOfCare, Provider, Site, Town
from relations.models import Grievance, GrievanceCategory, ServiceClock

D = dt.date.fromisoformat
Q2 = period_from_label("2026Q2")
AT = dt.datetime(2026, 11, 1, 12, 0, tzinfo=NEW_YORK)


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


@dataclass
class Scene:
    members: dict[str, Member]
    site: Site
    requests: dict[int, Request] = field(default_factory=dict)
    auths: dict[str, Authorization] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def ctx(self, agency: str = "DSS", *, suppress: bool = False, at: dt.datetime = AT) -> Any:
        return ExportContext(
            agency=agency, scope=agency_scope(agency), period=Q2, at=at, suppress=suppress
        )


def _member(medicaid_id: str, born: str, town: Town, dcf: bool = False) -> Member:
    return Member.objects.create(
        medicaid_id=medicaid_id,
        last_name=f"Last{medicaid_id[-2:]}",
        first_name="Pat",
        birth_date=D(born),
        town=town,
        region=town.region,
        dcf_involved=dcf,
    )


def _span(member: Member, program: str, start: str, end: str | None) -> None:
    EligibilitySpan.objects.create(
        member=member,
        program=Program.objects.get(code=program),
        start=D(start),
        end=D(end) if end else None,
    )


def _request(
    scene: Scene,
    n: int,
    member: str,
    level: str,
    path: str,
    *,
    received: dt.datetime,
    status: str,
    decided: dt.datetime | None,
    urgency: str = "standard",
    due_hours: int | None = None,
    reason: str | None = None,
) -> Request:
    request = Request.objects.create(
        number=f"OV-{n:04d}",
        member=scene.members[member],
        site=scene.site,
        level_of_care=LevelOfCare.objects.get(code=level),
        channel="web",
        review_path=path,
        urgency=urgency,
        received_at=received,
        due_at=received + dt.timedelta(hours=due_hours) if due_hours else None,
        requested_start=timezone.localtime(received).date(),
        requested_units=3,
        diagnoses=["F32.9"],
        status=status,
        decided_at=decided,
        decision_reason=DecisionReason.objects.get(code=reason) if reason else None,
    )
    scene.requests[n] = request
    return request


def _auth(scene: Scene, key: str, n: int, start: str, end: str, units: int) -> None:
    request = scene.requests[n]
    scene.auths[key] = Authorization.objects.create(
        number=f"OA-{key}",
        request=request,
        member=request.member,
        site=scene.site,
        level_of_care=request.level_of_care,
        start=D(start),
        end=D(end),
        units=units,
        unit_type=request.level_of_care.unit_type,
    )


@pytest.fixture
def scene(ref) -> Scene:  # type: ignore[no-untyped-def]
    hartford, stamford = Town.objects.get(name="Hartford"), Town.objects.get(name="Stamford")
    provider = Provider.objects.create(
        npi="1234567893",
        medicaid_id="000000001",
        name="Capitol Hospital",
        kind="hospital",
        effective_date=D("2010-01-01"),
    )
    site = Site.objects.create(
        provider=provider,
        site_number="001",
        name="Capitol Hospital Main",
        street="1 Main St",
        town=hartford,
        region=hartford.region,
        zip_code="06103",
    )
    members = {
        "child": _member("300000001", "2018-03-01", hartford),  # 8 on Jun 30 2026
        "teen": _member("300000002", "2008-07-01", hartford),  # 17 (18 on Jul 1)
        "adult": _member("300000003", "1990-01-01", stamford),
        "adult_dcf": _member("300000004", "2000-05-05", stamford, dcf=True),
        "baby": _member("300000005", "2025-01-01", hartford),  # under 3
    }
    scene = Scene(members=members, site=site)
    scene.regions = {"H": hartford.region.code, "S": stamford.region.code}
    _span(members["child"], "HUSKY_A", "2026-01-01", None)
    _span(members["teen"], "HUSKY_B", "2025-01-01", "2026-12-31")
    _span(members["adult"], "HUSKY_D", "2026-01-01", "2026-06-30")
    _span(members["adult_dcf"], "HUSKY_D", "2020-01-01", "2026-06-29")  # ended before Jun 30
    _span(members["adult_dcf"], "DMHAS_SFA", "2026-06-01", None)
    _span(members["baby"], "HUSKY_A", "2025-01-01", None)

    reg, pa = "registration", "prior_auth"
    _request(scene, 1, "child", "OP", reg, received=ny(2026, 4, 10, 10), status="approved",
             decided=ny(2026, 4, 10, 10))  # fmt: skip
    _request(scene, 2, "teen", "IP_PSY", pa, received=ny(2026, 5, 1, 9), status="approved",
             decided=ny(2026, 5, 2, 9), urgency="expedited", due_hours=72)  # fmt: skip
    _request(scene, 3, "adult", "IP_PSY", pa, received=ny(2026, 5, 2, 9), status="denied",
             decided=ny(2026, 5, 10, 9), due_hours=7 * 24, reason="MN_ADMISSION_CRITERIA")  # fmt: skip
    # received late on Jun 30 Eastern (already July in UTC): June; decided in July: not in Q2
    _request(scene, 4, "adult", "IP_DETOX", pa, received=ny(2026, 6, 30, 23, 30),
             status="approved", decided=ny(2026, 7, 1, 1), urgency="expedited", due_hours=72)  # fmt: skip
    # received in March (not counted as received), decided in April on time
    _request(scene, 5, "adult_dcf", "RES_DETOX", pa, received=ny(2026, 3, 31, 23),
             status="partially_approved", decided=ny(2026, 4, 2, 9), due_hours=7 * 24,
             reason="MN_LESS_RESTRICTIVE")  # fmt: skip
    _request(scene, 6, "child", "OP", reg, received=ny(2026, 6, 15, 8), status="refused",
             decided=ny(2026, 6, 15, 8))  # fmt: skip

    _auth(scene, "op", 1, "2026-04-10", "2026-10-09", 26)
    _auth(scene, "ip", 2, "2026-05-01", "2026-05-03", 3)
    _auth(scene, "detox", 4, "2026-06-30", "2026-07-02", 3)  # substance use, adult
    _auth(scene, "resdetox", 5, "2026-04-02", "2026-04-06", 5)  # substance use, DCF-involved

    for member, level, admitted, discharged, delay, reason in (
        ("teen", "IP_PSY", "2026-04-20", "2026-05-02", 2, "AWAIT_RESIDENTIAL"),  # 12 days
        ("adult", "IP_PSY", "2026-05-01", "2026-05-05", 0, ""),  # 4 days
        ("adult_dcf", "RES_DETOX", "2026-04-02", "2026-04-10", 3, "AWAIT_HOUSING"),  # 8 days
        ("child", "IP_PSY", "2026-06-25", "2026-07-03", 0, ""),  # discharged in July
    ):
        Episode.objects.create(
            member=members[member],
            site=site,
            level_of_care=LevelOfCare.objects.get(code=level),
            admitted=D(admitted),
            discharged=D(discharged),
            delay_days=delay,
            delay_reason=reason,
        )

    icm = get_user_model().objects.create_user(username="oversight_icm")
    for member, start, end, source in (
        ("teen", "2026-05-10", None, "supervisor"),
        ("adult_dcf", "2026-01-05", "2026-06-30", "automatic"),  # on the caseload on Jun 30
        ("adult", "2026-04-01", "2026-06-15", "automatic"),  # started in Q2, closed before its end
    ):
        IcmAssignment.objects.create(
            member=members[member],
            icm=icm,
            start=D(start),
            end=D(end) if end else None,
            source=source,
            closed_reason="goals_met" if end else "",
        )

    clocks = {
        "ack_clock": ServiceClock.objects.get(code="GRIEVANCE_ACKNOWLEDGMENT"),
        "resolution_clock": ServiceClock.objects.get(code="GRIEVANCE_RESOLUTION"),
    }
    for member, category, received, acked, resolved in (
        ("child", "ACCESS", ny(2026, 5, 3, 12), ny(2026, 5, 5, 12), ny(2026, 5, 20, 9)),
        ("adult", "QUALITY_OF_CARE", ny(2026, 6, 10, 12), None, None),
    ):
        Grievance.objects.create(
            member=members[member],
            category=GrievanceCategory.objects.get(code=category),
            received_at=received,
            filed_by="member",
            description="x",
            acknowledge_by=received.date() + dt.timedelta(days=7),
            acknowledged_at=acked,
            resolve_by=received.date() + dt.timedelta(days=90),
            resolved_at=resolved,
            outcome="substantiated" if resolved else "",
            status="resolved" if resolved else "received",
            **clocks,
        )

    clock = TurnaroundClock.objects.get(code="APPEAL_STANDARD")
    for number, n, filed, status, outcome in (
        ("OP-1", 3, ny(2026, 5, 15, 9), "decided", "overturned"),
        ("OP-2", 5, ny(2026, 4, 20, 9), "open", ""),
    ):
        Appeal.objects.create(
            number=number,
            request=scene.requests[n],
            party="provider",
            channel="web",
            filed_at=filed,
            reason="Still unsafe at home.",
            due_at=filed + dt.timedelta(days=30),
            due_clock=clock,
            status=status,
            outcome=outcome,
            decided_at=filed + dt.timedelta(days=5) if status == "decided" else None,
        )
    return scene


@pytest.fixture
def agency_user(ref, django_user_model):  # type: ignore[no-untyped-def]
    def make(agency: str, role: str = "agency_viewer") -> Any:
        user = django_user_model.objects.create_user(username=f"{role}_{agency or 'none'}")
        user.agency = agency
        user.save()
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
