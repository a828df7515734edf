"""Synthetic intensive care management: 14 ICMs over the regions, stays when none exist yet,
the nightly identification over them, and caseloads filled to about four fifths of capacity.

Stays (``Episode`` rows) belong to utilization review, whose seeder writes them with their
requests and authorizations. Until that seeder has run, ICM has nothing to read, so when the
database holds no episode at all this seeder writes a year and a quarter of 24-hour and
intermediate stays itself (Connecticut-like shapes, no requests): 7,000 members with
stays at ct scale, 150 at small. It never adds stays to a database that has any.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from aso.core.bulk import bulk_insert
from aso.core.seeding import SeedContext
from authorizations.models import Episode
from care.choices.icm import CandidateStatus
from care.models import IcmCandidate, IcmProfile
from care.selectors.icm_workers import icm_workers
from care.services.icm_assignment import icm_assign_automatic, icm_candidate_assign
from care.services.icm_identification import icm_candidates_identify
from members.models import Member
from providers.models import LevelOfCare, Region, ServiceOffering, Site

# username, first name, last name, regions served, languages, own cap (None: the default)
ICMS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], int | None], ...] = (
    ("icm01", "Dana", "Whitfield", ("R1",), ("en", "es"), None),
    ("icm02", "Marcus", "Oyelaran", ("R1",), ("en",), None),
    ("icm03", "Lucia", "Ferreira", ("R1", "R5"), ("en", "pt", "es"), None),
    ("icm04", "Grace", "Delgado", ("R2",), ("en", "es"), None),
    ("icm05", "Owen", "Brennan", ("R2",), ("en",), None),
    ("icm06", "Aisha", "Rahman", ("R2", "R3"), ("en",), 30),  # part-time
    ("icm07", "Tomasz", "Wisniewski", ("R3",), ("en", "pl"), None),
    ("icm08", "Rosa", "Quinones", ("R3",), ("en", "es"), None),
    ("icm09", "Nia", "Holloway", ("R4",), ("en",), None),
    ("icm10", "Javier", "Morales", ("R4",), ("en", "es"), None),
    ("icm11", "Ewa", "Kowalczyk", ("R4",), ("en", "pl"), None),
    ("icm12", "Samuel", "Achebe", ("R4", "R2"), ("en",), None),
    ("icm13", "Carmen", "Ortiz", ("R5",), ("en", "es"), None),
    ("icm14", "Ryan", "Gallagher", ("R5",), ("en",), None),
)
DEMO_CASELOAD = 8  # members the demo ICM starts with
FILL_SHARE = 0.8  # of capacity, so the supervisor's overview has room to work with
OPEN_SHARE = 0.4  # at least this share of candidates stays open for review
DAYS_BACK = 455  # a year and a quarter of stays: the window plus the readmission lead-in

# level code -> (child share, adult share, minimum stay, gamma shape, gamma scale)
LEVELS: dict[str, tuple[float, float, int, float, float]] = {
    "IP_PSY": (0.58, 0.44, 1, 2.0, 5.5),
    "OBS_23H": (0.10, 0.10, 1, 0.0, 0.0),
    "PHP": (0.12, 0.12, 5, 2.0, 4.0),
    "PRTF": (0.05, 0.0, 60, 2.0, 50.0),
    "RTC": (0.05, 0.0, 90, 2.0, 60.0),
    "GROUP_HOME": (0.04, 0.0, 120, 2.0, 90.0),
    "RES_DETOX": (0.04, 0.12, 3, 2.0, 3.0),
    "IP_DETOX": (0.02, 0.22, 2, 2.0, 1.5),
}
MENTAL_HEALTH = ("F32.2", "F33.1", "F31.81", "F20.9", "F25.0", "F43.10", "F91.3", "F34.81")
SUBSTANCE_USE = ("F10.239", "F11.23", "F10.20", "F11.20", "F14.20", "F15.20")
SUBSTANCE_LEVELS = {"IP_DETOX", "RES_DETOX"}
EPISODE_FIELDS = (
    "member",
    "site",
    "level_of_care",
    "admitted",
    "discharged",
    "principal_diagnosis",
    "disposition",
    "delay_days",
    "delay_reason",
    "aftercare_provider",
)


def seed_icm(ctx: SeedContext) -> None:
    """ICM users and profiles, stays if none exist, identification, caseloads at ~80%."""
    if IcmProfile.objects.exists():
        ctx.log("icm: already present, not seeded again")
        return
    icms = _icm_users()
    stays = 0 if Episode.objects.exists() else _seed_stays(ctx)
    result = icm_candidates_identify(as_of=ctx.today)
    capacity = sum(w.cap for w in icm_workers(on=ctx.today))
    open_ids = list(
        IcmCandidate.objects.filter(status=CandidateStatus.OPEN)
        .order_by("as_of", "member_id")
        .values_list("pk", flat=True)
    )
    take = min(int(FILL_SHARE * capacity), int((1 - OPEN_SHARE) * len(open_ids)))
    chosen = ctx.rng("icm-fill").permutation(len(open_ids))[:take]
    auto = icm_assign_automatic(
        acting_user=None, on=ctx.today, candidate_ids=[open_ids[i] for i in chosen]
    )
    ctx.counts.update(
        icms=len(icms),
        icm_seeded_stays=stays,
        icm_candidates=result.created,
        icm_assigned=auto.assigned,
    )
    ctx.log(
        f"icm: {len(icms)} ICMs, {stays} stays written here (none existed), "
        f"{result.created} candidates ({result.by_trigger}), {auto.assigned} assigned"
    )


def _icm_users() -> list[object]:
    """The 14 ICMs of the 2006 plan, spread over the regions by population."""
    User = get_user_model()
    group = Group.objects.get(name="icm")
    regions = {r.code: r for r in Region.objects.all()}
    users = []
    for username, first, last, served, languages, cap in ICMS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        profile = IcmProfile.objects.create(user=user, languages=list(languages), caseload_cap=cap)
        profile.regions.set([regions[c] for c in served if c in regions])
        users.append(user)
    return users


@dataclass(frozen=True)
class _Catalog:
    """Level ids, categories of care and the sites offering each level."""

    level_ids: dict[str, int]
    sites: dict[str, np.ndarray]


def _catalog() -> _Catalog:
    level_ids = dict(LevelOfCare.objects.filter(code__in=LEVELS).values_list("code", "id"))
    any_site = np.array(list(Site.objects.values_list("pk", flat=True)), dtype=np.int64)
    sites = {}
    for code, level_id in level_ids.items():
        offering = ServiceOffering.objects.filter(level_of_care_id=level_id)
        found = np.array(sorted(set(offering.values_list("site_id", flat=True))), dtype=np.int64)
        sites[code] = found if len(found) else any_site
    return _Catalog(level_ids=level_ids, sites=sites)


def _seed_stays(ctx: SeedContext) -> int:
    """Write stays for a sample of members (see the module docstring); returns how many."""
    catalog = _catalog()
    if not len(catalog.sites.get("IP_PSY", ())):
        ctx.log("icm: no sites, no stays seeded")
        return 0
    rng = ctx.rng("icm-stays")
    people = list(Member.objects.order_by("pk").values_list("pk", "birth_date"))
    count = min(len(people), ctx.pick(small=150, ct=7_000))
    picked = rng.choice(len(people), size=count, replace=False)
    rows = _stay_rows(rng, [people[i] for i in sorted(picked)], catalog, ctx.today)
    return bulk_insert(Episode, EPISODE_FIELDS, rows)


def _stay_rows(
    rng: np.random.Generator,
    people: list[tuple[int, dt.date]],
    catalog: _Catalog,
    today: dt.date,
) -> Iterator[tuple[object, ...]]:
    """Each member: a first admission in the last 455 days, then more with a 30% chance of a
    readmission within 30 days; heavy users (30%) come back more often."""
    heavy = rng.random(len(people)) < 0.3
    extra = rng.poisson(np.where(heavy, 1.6, 0.3))
    for (member_id, born), more, is_heavy in zip(people, extra, heavy, strict=True):
        child = (today - born).days < 18 * 365
        day = today - dt.timedelta(days=int(rng.integers(0, DAYS_BACK)))
        for _ in range(1 + int(more)):
            if day > today:
                break
            level = _pick_level(rng, child)
            stay = _stay(rng, level, child, day, today)
            yield (
                member_id,
                int(rng.choice(catalog.sites[level])),
                catalog.level_ids[level],
                *stay,
            )
            end = stay[1] or today
            soon = rng.random() < (0.45 if is_heavy else 0.2)
            gap = int(rng.integers(1, 31)) if soon else int(rng.integers(31, 200))
            day = end + dt.timedelta(days=gap)


def _pick_level(rng: np.random.Generator, child: bool) -> str:
    codes = list(LEVELS)
    weights = np.array([LEVELS[c][0 if child else 1] for c in codes])
    return codes[int(rng.choice(len(codes), p=weights / weights.sum()))]


def _stay(
    rng: np.random.Generator, level: str, child: bool, admitted: dt.date, today: dt.date
) -> tuple[object, ...]:
    """(admitted, discharged or None, diagnosis, disposition, delay days, delay reason, "")."""
    _, _, minimum, shape, scale = LEVELS[level]
    length = minimum + (int(rng.gamma(shape, scale * (1.3 if child else 1.0))) if shape else 0)
    delayed = level == "IP_PSY" and rng.random() < (0.18 if child else 0.05)
    delay = int(rng.integers(1, 15)) if delayed else 0
    discharged = admitted + dt.timedelta(days=length + delay)
    codes = SUBSTANCE_USE if level in SUBSTANCE_LEVELS else MENTAL_HEALTH
    diagnosis = codes[int(rng.integers(0, len(codes)))]
    if discharged > today:
        return (admitted, None, diagnosis, "", delay, "placement" if delay else "", "")
    return (admitted, discharged, diagnosis, "home", delay, "placement" if delay else "", "")


def icm_demo_setup(*, icm_user: Any, supervisor: Any, today: dt.date) -> int:
    """Demo mode: give the demo ICM a profile (Hartford area, English and Spanish) and a few
    members from the open candidates, assigned by the demo supervisor. Returns how many."""
    profile, _ = IcmProfile.objects.get_or_create(
        user=icm_user, defaults={"languages": ["en", "es"]}
    )
    profile.regions.set(Region.objects.filter(code__in=["R4", "R2"]))
    room = max(DEMO_CASELOAD - icm_user.icm_assignments.filter(end__isnull=True).count(), 0)
    waiting = IcmCandidate.objects.filter(
        status=CandidateStatus.OPEN, member__region__code__in=["R4", "R2"]
    ).order_by("as_of", "member_id")[:room]
    for candidate in waiting:
        icm_candidate_assign(
            acting_user=supervisor, candidate_id=candidate.pk, icm_user=icm_user, on=today
        )
    return len(waiting)
