"""A small scene for registration tests: two provider organizations, their sites and offerings, members
of several ages and coverage, and a provider user of organization A."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from members.models import EligibilitySpan, Member, Program
from providers.models import LevelOfCare, Provider, ProviderStaff, ServiceOffering, Site, Town

# Offerings of organization A's main site: every registration level, with the rules' age ranges.
SITE_AGES = {
    "OP": (0, 120),
    "OP_EVAL": (0, 120),
    "IOP": (0, 120),
    "AMB_DETOX": (18, 120),
    "METHADONE": (18, 120),
    "PSYCH_TEST": (0, 120),
    "HB_MST": (11, 17),
    "HOME_HEALTH": (18, 120),
}


@dataclass
class Scene:
    user: Any
    provider: Provider
    site: Site
    other_provider: Provider
    other_site: Site
    adult: Member
    teen: Member
    uncovered: Member
    levels: dict[str, LevelOfCare]

    def level(self, code: str) -> LevelOfCare:
        return self.levels[code]


def _provider(n: int, *, npi: str, certified: bool) -> Provider:
    return Provider.objects.create(
        npi=npi,
        medicaid_id=f"00000090{n}",
        name=f"Scene Clinic {n}",
        kind="clinic",
        dcf_certified=certified,
        effective_date=dt.date(2010, 1, 1),
    )


def _site(provider: Provider, town: Town, number: str = "001") -> Site:
    return Site.objects.create(
        provider=provider,
        site_number=number,
        name=f"{provider.name} {town.name}",
        street="1 Main St",
        town=town,
        region=town.region,
        zip_code="06103",
    )


def _member(medicaid_id: str, born: dt.date, program: str | None) -> Member:
    member = Member.objects.create(
        medicaid_id=medicaid_id, last_name="Rivera", first_name="Ana", birth_date=born
    )
    if program:
        EligibilitySpan.objects.create(
            member=member, program=Program.objects.get(code=program), start=dt.date(2010, 1, 1)
        )
    return member


def build_scene(make_user: Any, role: str = "provider_staff") -> Scene:
    levels = {level.code: level for level in LevelOfCare.objects.all()}
    hartford, stamford = Town.objects.get(name="Hartford"), Town.objects.get(name="Stamford")
    provider = _provider(1, npi="1234567893", certified=True)
    other = _provider(2, npi="1245319599", certified=False)
    site, other_site = _site(provider, hartford), _site(other, stamford)
    for code, (low, high) in SITE_AGES.items():
        ServiceOffering.objects.create(
            site=site,
            level_of_care=levels[code],
            min_age=low,
            max_age=high,
            effective_from=dt.date(2010, 1, 1),
        )
    ServiceOffering.objects.create(
        site=other_site, level_of_care=levels["OP"], effective_from=dt.date(2010, 1, 1)
    )
    user = make_user(role)
    ProviderStaff.objects.create(user=user, provider=provider)
    return Scene(
        user=user,
        provider=provider,
        site=site,
        other_provider=other,
        other_site=other_site,
        adult=_member("200000001", dt.date(1985, 5, 5), "HUSKY_D"),
        teen=_member("200000002", dt.date(2012, 6, 1), "HUSKY_A"),
        uncovered=_member("200000003", dt.date(1990, 1, 1), None),
        levels=levels,
    )
