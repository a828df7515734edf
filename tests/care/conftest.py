"""Small ICM scenes: members with coverage, stays at a site, ICMs with profiles, a supervisor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from authorizations.models import Episode, Request
from care.models import IcmProfile
from members.models import EligibilitySpan, Member, Program
from providers.models import LevelOfCare, Provider, Region, Site, Town

AS_OF = dt.date(2026, 3, 31)


def days_before(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


@dataclass
class Scene:
    """Builds the rows a test needs, with plain defaults."""

    make_user: Any
    site: Site
    counter: int = 0

    def member(self, *, region: str = "R4", language: str = "en", covered: bool = True) -> Member:
        self.counter += 1
        member = Member.objects.create(
            medicaid_id=f"{700000000 + self.counter:09d}",
            last_name=f"Lastname{self.counter}",
            first_name="Pat",
            birth_date=dt.date(1990, 1, 1),
            language=language,
            region=Region.objects.get(code=region),
        )
        if covered:
            EligibilitySpan.objects.create(
                member=member,
                program=Program.objects.get(code="HUSKY_D"),
                start=dt.date(2020, 1, 1),
            )
        return member

    def stay(
        self,
        member: Member,
        level: str,
        admitted: dt.date,
        discharged: dt.date | None,
        *,
        delay: int = 0,
        dx: str = "F32.1",
    ) -> Episode:
        return Episode.objects.create(
            member=member,
            site=self.site,
            level_of_care=LevelOfCare.objects.get(code=level),
            admitted=admitted,
            discharged=discharged,
            delay_days=delay,
            principal_diagnosis=dx,
        )

    def request(self, member: Member, level: str, diagnoses: Sequence[str], on: dt.date) -> Request:
        self.counter += 1
        received = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
        return Request.objects.create(
            number=f"T{self.counter:08d}",
            member=member,
            site=self.site,
            level_of_care=LevelOfCare.objects.get(code=level),
            channel="web",
            review_path="registration",
            received_at=received,
            requested_start=on,
            diagnoses=list(diagnoses),
        )

    def icm(
        self,
        *,
        regions: Sequence[str] = ("R4",),
        languages: Sequence[str] = ("en",),
        cap: int | None = None,
        accepting: bool = True,
        username: str | None = None,
    ) -> Any:
        user = self.make_user("icm", username=username)
        profile = IcmProfile.objects.create(
            user=user, languages=list(languages), caseload_cap=cap, accepting=accepting
        )
        profile.regions.set(Region.objects.filter(code__in=regions))
        return user


@pytest.fixture
def scene(db, ref, make_user) -> Scene:  # type: ignore[no-untyped-def]
    town = Town.objects.get(name="Hartford")
    provider = Provider.objects.create(
        npi="1234567893",
        medicaid_id="000000009",
        name="Scene Hospital",
        kind="hospital",
        effective_date=dt.date(2010, 1, 1),
    )
    site = Site.objects.create(
        provider=provider,
        site_number="001",
        name="Scene Hospital Hartford",
        street="1 Main St",
        town=town,
        region=town.region,
        zip_code="06103",
    )
    return Scene(make_user=make_user, site=site)


@pytest.fixture
def supervisor(make_user):  # type: ignore[no-untyped-def]
    return make_user("clinical_supervisor")
