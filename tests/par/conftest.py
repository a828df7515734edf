"""A small PAR world: two hospitals and a clinic in two regions, members with coverage, episodes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from authorizations.models import Episode
from members.models import EligibilitySpan, Member, Program
from providers.models import LevelOfCare, Provider, Site, Town

D = dt.date.fromisoformat


@dataclass
class ParWorld:
    hospital_a: Provider  # Hartford, region R4
    hospital_b: Provider  # Stamford, region R1
    clinic: Provider  # Hartford
    sites: dict[str, Site]
    members: list[Member]
    levels: dict[str, LevelOfCare]
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["extra"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def episode(
        self,
        member: int,
        admitted: str,
        discharged: str | None,
        *,
        site: str = "a",
        level: str = "IP_PSY",
        dx: str = "F329",
        delay: int = 0,
    ) -> Episode:
        return Episode.objects.create(
            member=self.members[member],
            site=self.sites[site],
            level_of_care=self.levels[level],
            admitted=D(admitted),
            discharged=D(discharged) if discharged else None,
            principal_diagnosis=dx,
            delay_days=delay,
        )


def _provider(npi: str, medicaid_id: str, name: str, kind: str) -> Provider:
    return Provider.objects.create(
        npi=npi, medicaid_id=medicaid_id, name=name, kind=kind, effective_date=D("2010-01-01")
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


@pytest.fixture
def par_world(ref) -> ParWorld:  # type: ignore[no-untyped-def]
    hartford, stamford = Town.objects.get(name="Hartford"), Town.objects.get(name="Stamford")
    hospital_a = _provider("1234567893", "000000011", "Hartford General", "hospital")
    hospital_b = _provider("1245319599", "000000012", "Stamford Shore", "hospital")
    clinic = _provider("1003000126", "000000013", "Capitol Clinic", "clinic")
    sites = {
        "a": _site(hospital_a, hartford),
        "b": _site(hospital_b, stamford),
        "c": _site(clinic, hartford),
    }
    husky_a = Program.objects.get(code="HUSKY_A")
    births = ["1980-05-05", "2012-03-03", "2009-07-07", "1975-01-01", "2020-01-01", "1990-09-09"]
    members = []
    for index, birth in enumerate(births):
        member = Member.objects.create(
            medicaid_id=f"{100000001 + index:09d}",
            last_name=f"Person{index}",
            first_name="Pat",
            birth_date=D(birth),
            dcf_involved=index == 1,
        )
        EligibilitySpan.objects.create(member=member, program=husky_a, start=D("2020-01-01"))
        members.append(member)
    levels = {level.code: level for level in LevelOfCare.objects.all()}
    return ParWorld(hospital_a, hospital_b, clinic, sites, members, levels)
