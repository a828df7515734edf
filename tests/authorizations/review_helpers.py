"""A small prior-authorization world for the review tests: a hospital and a residential site, an adult
and a child with coverage, users by role, and helpers that submit and decide requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from authorizations.choices import Channel
from authorizations.models import ReviewCriterion
from authorizations.rules.clocks import NEW_YORK
from authorizations.services.decisions import Decision, request_decide
from authorizations.services.intake import prior_auth_submit
from members.models import EligibilitySpan, Member, Program
from providers.models import LevelOfCare, Provider, ProviderStaff, ServiceOffering, Site, Town

CLINICAL = {
    "presentation": "Agitated, tearful, poor eye contact, thought blocking",
    "symptoms": "Depressed mood, not sleeping, hearing voices telling her to die",
    "suicide_risk": "high",
    "homicide_risk": "none",
    "substances": ["none"],
    "legal_status": "voluntary",
    "supports": "Mother and aunt visit daily",
    "treatment_objectives": "Safety, medication adjustment",
    "discharge_plan": "Home with intensive outpatient and a psychiatrist visit",
    "projected_discharge": "2026-06-05",
    "medications": "sertraline, 50 mg, daily",
}
CONCURRENT_CLINICAL = {
    "symptoms": "Still hearing voices at night",
    "suicide_risk": "moderate",
    "homicide_risk": "none",
    "progress": "Sleeping better; passive thoughts of death remain",
    "discharge_plan": "Home with IOP",
    "projected_discharge": "2026-06-08",
}
SPECIFIC = (
    "Since admission the member reports no thoughts of suicide, has no plan, is eating and "
    "sleeping, and the family can supervise at home."
)


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


@dataclass
class ReviewWorld:
    provider: Provider
    other_provider: Provider
    hospital: Site
    other_site: Site
    adult: Member
    child: Member
    users: dict[str, Any] = field(default_factory=dict)

    def level(self, code: str) -> LevelOfCare:
        return LevelOfCare.objects.get(code=code)

    def submit(self, **changes: Any) -> Any:
        data: dict[str, Any] = {
            "acting_user": self.users["provider_staff"],
            "member": self.adult,
            "site": self.hospital,
            "level_of_care": self.level("IP_PSY"),
            "urgency": "expedited",
            "channel": Channel.WEB,
            "requested_start": dt.date(2026, 6, 1),
            "requested_units": 3,
            "diagnoses": ["F32.2"],
            "clinical": CLINICAL,
            "received_at": ny(2026, 6, 1, 9, 0),
        }
        data.update(changes)
        return prior_auth_submit(**data)

    def answers(self, request: Any, not_met: tuple[str, ...] = ()) -> dict[str, dict[str, str]]:
        """Every criterion met (one per group), except those named."""
        kind = "admission" if request.kind == "initial" else "continued_stay"
        rows = ReviewCriterion.objects.filter(level_of_care=request.level_of_care, kind=kind)
        seen: set[str] = set()
        answers = {}
        for row in rows:
            first = row.group not in seen
            seen.add(row.group)
            answer = "not_met" if row.code in not_met else ("met" if first else "unknown")
            answers[row.code] = {"answer": answer, "note": ""}
        return answers

    def approve(self, request: Any, user: str = "care_manager", **changes: Any) -> Any:
        decision = Decision(
            outcome="approve",
            start=request.requested_start,
            end=request.requested_end,
            units=request.requested_units,
        )
        data = {"outcome": decision.outcome, **{k: v for k, v in changes.items()}}
        decision = Decision(**{**decision.__dict__, **data})
        return request_decide(
            acting_user=self.users[user],
            request=request,
            expected_version=request.version,
            decision=decision,
            answers=self.answers(request),
        )

    def deny(self, request: Any, user: str = "physician_advisor", **changes: Any) -> Any:
        criterion = (
            "IP_PSY_DANGER_SELF" if request.kind == "initial" else "IP_PSY_CS_NEED_CONTINUES"
        )
        fields = {
            "outcome": "deny",
            "reason_code": "MN_ADMISSION_CRITERIA",
            "criterion_code": criterion,
            "explanation": SPECIFIC,
            **changes,
        }
        not_met = (fields["criterion_code"],) if fields["criterion_code"] else ()
        return request_decide(
            acting_user=self.users[user],
            request=request,
            expected_version=request.version,
            decision=Decision(**fields),
            answers=self.answers(request, not_met=not_met),
        )


def build_review_world(make_user: Any) -> ReviewWorld:
    hartford = Town.objects.get(name="Hartford")
    provider = Provider.objects.create(
        npi="1234567893",
        medicaid_id="000000011",
        name="River Hospital",
        kind="hospital",
        effective_date=dt.date(2015, 1, 1),
    )
    other = Provider.objects.create(
        npi="1245319599",
        medicaid_id="000000012",
        name="Harbor Residential",
        kind="residential",
        effective_date=dt.date(2015, 1, 1),
    )
    hospital = Site.objects.create(
        provider=provider,
        site_number="001",
        name="River Hospital Hartford",
        street="1 Main St",
        town=hartford,
        region=hartford.region,
        zip_code="06103",
    )
    other_site = Site.objects.create(
        provider=other,
        site_number="001",
        name="Harbor Hartford",
        street="2 Main St",
        town=hartford,
        region=hartford.region,
        zip_code="06103",
    )
    for site, codes in ((hospital, ("IP_PSY", "PHP")), (other_site, ("RTC", "PRTF"))):
        for code in codes:
            ServiceOffering.objects.create(
                site=site,
                level_of_care=LevelOfCare.objects.get(code=code),
                effective_from=dt.date(2013, 1, 1),
            )
    adult = Member.objects.create(
        medicaid_id="200000001",
        last_name="Rivera",
        first_name="Ana",
        birth_date=dt.date(1990, 3, 3),
        town=hartford,
        region=hartford.region,
    )
    child = Member.objects.create(
        medicaid_id="200000002",
        last_name="Cruz",
        first_name="Luis",
        language="es",
        birth_date=dt.date(2012, 7, 7),
        town=hartford,
        region=hartford.region,
        dcf_involved=True,
    )
    husky = Program.objects.get(code="HUSKY_A")
    for member in (adult, child):
        EligibilitySpan.objects.create(member=member, program=husky, start=dt.date(2020, 1, 1))
    world = ReviewWorld(provider, other, hospital, other_site, adult, child)
    roles = (
        "provider_staff",
        "care_manager",
        "physician_advisor",
        "clinical_supervisor",
        "icm",
        "network_manager",
        "agency_viewer",
    )
    for role in roles:
        world.users[role] = make_user(role, username=role)
    world.users["advisor_2"] = make_user("physician_advisor", username="advisor_2")
    world.users["other_provider"] = make_user("provider_staff", username="other_provider")
    ProviderStaff.objects.create(user=world.users["provider_staff"], provider=provider)
    ProviderStaff.objects.create(user=world.users["other_provider"], provider=other)
    return world
