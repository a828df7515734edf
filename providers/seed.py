"""Synthetic provider network: organizations of each kind, their sites and the levels they offer.

ct scale: about 1,200 providers and 2,500 sites across the regions, weighted by town population.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from aso.core.seeding import SeedContext
from providers.choices import ProviderKind
from providers.models import LevelOfCare, Provider, ServiceOffering, Site, Town
from providers.permissions import staff_groups_create

# kind -> (share of providers, mean sites, [(level code, probability)])
NETWORK_SHAPE: dict[str, tuple[float, float, tuple[tuple[str, float], ...]]] = {
    ProviderKind.HOSPITAL: (
        0.03,
        2.0,
        (
            ("IP_PSY", 1.0),
            ("OBS_23H", 0.8),
            ("IP_DETOX", 0.5),
            ("PHP", 0.5),
            ("IOP", 0.3),
            ("OP_EVAL", 0.4),
            ("OP", 0.4),
        ),
    ),
    ProviderKind.RESIDENTIAL: (
        0.08,
        1.5,
        (("PRTF", 0.25), ("RTC", 0.35), ("GROUP_HOME", 0.4), ("RES_DETOX", 0.35)),
    ),
    ProviderKind.CLINIC: (
        0.25,
        4.2,
        (
            ("OP_EVAL", 1.0),
            ("OP", 1.0),
            ("IOP", 0.6),
            ("PHP", 0.1),
            ("EDT", 0.15),
            ("AMB_DETOX", 0.15),
            ("METHADONE", 0.1),
            ("HB_IICAPS", 0.12),
            ("HB_MST", 0.1),
            ("HB_FFT", 0.1),
            ("HB_MDFT", 0.05),
            ("PSYCH_TEST", 0.4),
            ("HOME_HEALTH", 0.1),
        ),
    ),
    ProviderKind.FQHC: (
        0.02,
        5.0,
        (("OP_EVAL", 1.0), ("OP", 1.0), ("PSYCH_TEST", 0.5), ("IOP", 0.2)),
    ),
    ProviderKind.GROUP: (0.20, 1.5, (("OP_EVAL", 1.0), ("OP", 1.0), ("PSYCH_TEST", 0.5))),
    ProviderKind.INDIVIDUAL: (0.42, 1.0, (("OP_EVAL", 0.9), ("OP", 1.0), ("PSYCH_TEST", 0.2))),
}
YOUTH_LEVELS = {
    "PRTF": (0, 20),
    "RTC": (0, 20),
    "GROUP_HOME": (0, 17),
    "EDT": (0, 17),
    "HB_IICAPS": (0, 17),
    "HB_MST": (11, 17),
    "HB_FFT": (11, 17),
    "HB_MDFT": (11, 18),
    "HOME_HEALTH": (18, 120),
}
NAME_PARTS = (
    "River",
    "Harbor",
    "Oak",
    "Valley",
    "Summit",
    "Bridge",
    "Elm",
    "Cedar",
    "Maple",
    "Lighthouse",
    "Pathways",
    "Beacon",
    "Compass",
    "Horizon",
    "Northstar",
    "Greenfield",
    "Hillside",
    "Lakeside",
)
KIND_WORDS = {
    ProviderKind.HOSPITAL: "Hospital",
    ProviderKind.RESIDENTIAL: "Residential Services",
    ProviderKind.CLINIC: "Behavioral Health Clinic",
    ProviderKind.FQHC: "Community Health Center",
    ProviderKind.GROUP: "Counseling Group",
    ProviderKind.INDIVIDUAL: "Therapy Practice",
}
TAXONOMY = {
    ProviderKind.HOSPITAL: "283Q00000X",
    ProviderKind.RESIDENTIAL: "323P00000X",
    ProviderKind.CLINIC: "261QM0801X",
    ProviderKind.FQHC: "261QF0400X",
    ProviderKind.GROUP: "193200000X",
    ProviderKind.INDIVIDUAL: "101YM0800X",
}


def npi_with_check_digit(base9: int) -> str:
    """A 10-digit NPI from 9 digits, with the Luhn check digit over the 80840-prefixed number."""
    digits = f"{base9:09d}"
    total = 24
    for index, char in enumerate(reversed(digits)):
        d = int(char) * (2 if index % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return digits + str((10 - total % 10) % 10)


def seed_providers(ctx: SeedContext) -> None:
    """Create providers, sites and offerings at the context's scale."""
    rng = ctx.rng("providers")
    provider_count = ctx.pick(small=24, ct=1200)
    kinds = list(NETWORK_SHAPE)
    shares = np.array([NETWORK_SHAPE[k][0] for k in kinds])
    drawn = rng.choice(len(kinds), size=provider_count, p=shares / shares.sum())
    if ctx.scale == "small":  # make sure the demo has every kind
        drawn[: len(kinds)] = np.arange(len(kinds))
    towns = list(Town.objects.select_related("region").order_by("name"))
    weights = np.array([t.population or 1000 for t in towns], dtype=float)
    weights /= weights.sum()
    levels = {lvl.code: lvl for lvl in LevelOfCare.objects.all()}
    providers, plans = [], []
    for index, kind_index in enumerate(drawn):
        kind = kinds[kind_index]
        name = f"{NAME_PARTS[index % len(NAME_PARTS)]} {KIND_WORDS[kind]} {index + 1}"
        providers.append(
            Provider(
                npi=npi_with_check_digit(100_000_000 + index * 7919 % 900_000_000),
                medicaid_id=f"{4_000_000 + index:09d}",
                tax_id=f"{60_000_000 + index:09d}",
                name=name,
                kind=kind,
                taxonomy=TAXONOMY[kind],
                dcf_certified=kind == ProviderKind.CLINIC and rng.random() < 0.4,
                effective_date=dt.date(2010, 1, 1) + dt.timedelta(days=int(rng.integers(0, 4000))),
            )
        )
        plans.append(kind)
    Provider.objects.bulk_create(providers, batch_size=2000)
    staff_groups_create(providers=providers)  # one guardian group per organization
    sites, offerings = [], []
    for provider, kind in zip(providers, plans, strict=True):
        mean_sites = NETWORK_SHAPE[kind][1]
        for number in range(max(1, int(rng.poisson(mean_sites - 1)) + 1)):
            town = towns[int(rng.choice(len(towns), p=weights))]
            sites.append(
                Site(
                    provider=provider,
                    site_number=f"{number + 1:03d}",
                    name=f"{provider.name} - {town.name}",
                    street=f"{int(rng.integers(1, 999))} Main Street",
                    town=town,
                    region=town.region,
                    zip_code=f"06{int(rng.integers(1, 999)):03d}",
                    phone="860-555-0100",
                    languages=["en", "es"] if rng.random() < 0.35 else ["en"],
                )
            )
    Site.objects.bulk_create(sites, batch_size=2000)
    for site in sites:
        kind = site.provider.kind
        for code, probability in NETWORK_SHAPE[kind][2]:
            if rng.random() >= probability:
                continue
            low, high = YOUTH_LEVELS.get(code, (0, 120))
            offerings.append(
                ServiceOffering(
                    site=site,
                    level_of_care=levels[code],
                    min_age=low,
                    max_age=high,
                    effective_from=dt.date(2013, 1, 1),
                )
            )
    ServiceOffering.objects.bulk_create(offerings, batch_size=5000)
    ctx.counts.update(providers=len(providers), sites=len(sites), offerings=len(offerings))
    ctx.log(
        f"providers: {len(providers)} providers, {len(sites)} sites, {len(offerings)} offerings"
    )
