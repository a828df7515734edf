"""Benchmark: a full provider file (~2,500 sites x their offerings, ~10,000 rows) with 5% changes, imported
into a database that already holds the network (target: under 10 s), and the same file again (a no-op,
target: under 3 s). Both through the real path: a Job that checks every row, stores the change report,
then applies it in one transaction.

Baseline in the same run, on the same database: the same rows written by a naive per-row ORM loop
(get or create each provider, site and offering, set its fields, save it; then end what the file lacks).

Runs on PostgreSQL (DATABASE_URL) and then, in a child process, on SQLite (BENCH_SQLITE_URL) when given.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from common import Measurement, Result, database_vendor, django_setup, peak_rss_mb, timed

TARGET_ROWS = 10_000
FILE_DATE = dt.date(2026, 11, 1)
CHANGE_PLAN = {
    "providers_renamed": 10,
    "sites_moved": 25,
    "ages_changed": 170,
    "rows_removed": 100,
    "rows_added": 50,
}


def current_rows() -> tuple[list[str], list[list[str]]]:
    from providers.imports.export import provider_file_rows
    from providers.imports.layout import COLUMN_NAMES

    return list(COLUMN_NAMES), [r for r in provider_file_rows() if not r[20]]  # open offerings only


def extra_offerings(
    header: list[str], rows: list[list[str]], wanted: int, rng: random.Random, start: str
) -> list[list[str]]:
    """Rows for levels a site's kind may offer but the site does not, like the seed would add."""
    from providers.seed import NETWORK_SHAPE, YOUTH_LEVELS

    col = {name: i for i, name in enumerate(header)}
    offered: dict[tuple[str, str], set[str]] = {}
    template: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        key = (r[col["medicaid_id"]], r[col["site_number"]])
        offered.setdefault(key, set()).add(r[col["level_of_care"]])
        template.setdefault(key, r)
    candidates = []
    for key, levels in offered.items():
        base = template[key]
        for code, _ in NETWORK_SHAPE[base[col["provider_kind"]]][2]:
            if code not in levels:
                candidates.append((base, code))
    rng.shuffle(candidates)
    added = []
    for base, code in candidates[:wanted]:
        low, high = YOUTH_LEVELS.get(code, (0, 120))
        new = list(base)
        new[col["level_of_care"]], new[col["min_age"]], new[col["max_age"]] = (
            code,
            str(low),
            str(high),
        )
        new[col["offering_start"]], new[col["offering_end"]] = start, ""
        added.append(new)
    return added


def with_changes(header: list[str], rows: list[list[str]], rng: random.Random) -> list[list[str]]:
    """About 5% of the rows changed: renamed providers, moved sites, age ranges, removals, additions."""
    col = {name: i for i, name in enumerate(header)}
    rows = [list(r) for r in rows]
    providers = sorted({r[col["medicaid_id"]] for r in rows})
    renamed = set(rng.sample(providers, min(len(providers), CHANGE_PLAN["providers_renamed"])))
    sites = sorted({(r[col["medicaid_id"]], r[col["site_number"]]) for r in rows})
    moved = set(rng.sample(sites, min(len(sites), CHANGE_PLAN["sites_moved"])))
    for r in rows:
        if r[col["medicaid_id"]] in renamed:
            r[col["legal_name"]] += " Inc."
        if (r[col["medicaid_id"]], r[col["site_number"]]) in moved:
            r[col["street"]] = "500 Asylum Avenue"
    adult = [r for r in rows if r[col["max_age"]] == "120"]
    for r in rng.sample(adult, min(len(adult), CHANGE_PLAN["ages_changed"])):
        r[col["max_age"]] = "64"
    removed = rng.sample(range(len(rows)), min(len(rows) // 10, CHANGE_PLAN["rows_removed"]))
    for index in sorted(removed, reverse=True):
        del rows[index]
    return rows + extra_offerings(header, rows, CHANGE_PLAN["rows_added"], rng, "2026-10-01")


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def import_file(data: bytes, user: Any, name: str) -> Any:
    from django.core.files.base import ContentFile

    from providers.imports.runs import provider_import_start

    provider_import = provider_import_start(
        acting_user=user,
        source="provider_file",
        upload=ContentFile(data, name=name),
        file_name=name,
        file_date=FILE_DATE,
        full_file=True,
        apply=True,
    )
    provider_import.refresh_from_db()  # eager Celery ran the job when the start committed
    if provider_import.status not in {"applied", "unchanged"}:
        raise SystemExit(f"import {name} ended {provider_import.status}: {provider_import.error}")
    return provider_import


def naive_loop(header: list[str], rows: list[list[str]], user: Any) -> int:
    """The baseline: one ORM read and save per provider, site and offering of every row."""
    from django.db.models import Q

    from providers.models import LevelOfCare, Provider, ServiceOffering, Site, Town
    from providers.permissions import staff_groups_create

    col = {name: i for i, name in enumerate(header)}
    towns = {t.name: t for t in Town.objects.all()}
    levels = {lvl.code: lvl for lvl in LevelOfCare.objects.all()}
    seen_providers, seen_sites, seen_offerings = set(), set(), set()
    writes = 0
    for r in rows:
        v = {name: r[i] for name, i in col.items()}
        provider = Provider.objects.filter(medicaid_id=v["medicaid_id"]).first()
        created = provider is None
        provider = provider or Provider(medicaid_id=v["medicaid_id"])
        provider.npi, provider.tax_id, provider.name = v["npi"], v["tax_id"], v["legal_name"]
        provider.kind, provider.taxonomy, provider.status = (
            v["provider_kind"],
            v["taxonomy"],
            v["provider_status"],
        )
        provider.dcf_certified = v["dcf_certified"] == "Y"
        provider.effective_date = dt.date.fromisoformat(v["provider_effective_date"])
        provider._history_user = user
        provider.save()
        if created:
            staff_groups_create(providers=[provider])
        site = Site.objects.filter(provider=provider, site_number=v["site_number"]).first()
        site = site or Site(provider=provider, site_number=v["site_number"])
        town = towns[v["town"]]
        site.name, site.street, site.town, site.region_id = (
            v["site_name"],
            v["street"],
            town,
            town.region_id,
        )
        site.zip_code, site.phone, site.active = v["zip"], v["phone"], True
        site._history_user = user
        site.save()
        level = levels[v["level_of_care"]]
        offering = (
            ServiceOffering.objects.filter(site=site, level_of_care=level)
            .order_by("-effective_from")
            .first()
        ) or ServiceOffering(site=site, level_of_care=level)
        offering.min_age, offering.max_age = int(v["min_age"]), int(v["max_age"])
        offering.effective_from = dt.date.fromisoformat(v["offering_start"])
        offering.effective_to = None
        offering._history_user = user
        offering.save()
        seen_providers.add(provider.pk)
        seen_sites.add(site.pk)
        seen_offerings.add(offering.pk)
        writes += 3
    for provider in Provider.objects.exclude(pk__in=seen_providers).exclude(status="terminated"):
        provider.status, provider.termination_date = "terminated", FILE_DATE
        provider.save()
        writes += 1
    for site in Site.objects.exclude(pk__in=seen_sites).filter(active=True):
        site.active = False
        site.save()
        writes += 1
    open_offerings = ServiceOffering.objects.exclude(pk__in=seen_offerings).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=FILE_DATE)
    )
    for offering in open_offerings:
        offering.effective_to = max(FILE_DATE, offering.effective_from)
        offering.save()
        writes += 1
    return writes


def main() -> None:
    django_setup()
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench_network_ops")
    load_before = os.getloadavg()[0]
    rng = random.Random(2026)
    header, rows = current_rows()
    rows += extra_offerings(header, rows, max(0, TARGET_ROWS - len(rows)), rng, "2024-01-01")
    full = to_csv(header, rows)
    changed = to_csv(header, with_changes(header, rows, rng))
    with timed() as setup:
        first = import_file(full, user, "full-file.csv")  # the database holds the network
    with timed() as t:
        applied = import_file(changed, user, "full-file-5pct-changed.csv")
    with timed() as again:
        repeat = import_file(changed, user, "full-file-5pct-changed.csv")
    import_file(full, user, "full-file.csv")  # back to the network before the changes
    with timed() as naive:
        writes = naive_loop(header, list(csv.reader(io.StringIO(changed.decode())))[1:], user)
    vendor = database_vendor()
    counts = {k: v for k, v in applied.counts.items() if v}
    baseline = Measurement(
        label="the same rows by a naive per-row ORM loop (get, set, save each provider, site and "
        "offering; autocommit)",
        seconds=naive["seconds"],
        rows=counts["rows_read"],
        note=f"{writes:,} saves",
    )
    extra = {
        "report of the changed file": ", ".join(f"{k} {v:,}" for k, v in counts.items()),
        "setup (untimed)": f"loading the unchanged full file first took {setup['seconds']:.2f} s "
        f"({first.change_count:,} changes over the seeded network)",
        "machine load": f"1-minute load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (2 cores; other work was running)",
    }
    Result(
        name=f"provider_import_{vendor}",
        title=f"Provider-file import, 5% changes ({vendor})",
        target="under 10 s",
        database=vendor,
        figure=Measurement(
            label=f"full file of {counts['rows_read']:,} rows with 5% changes: check every row, "
            "store the report, apply in one transaction (a job)",
            seconds=t["seconds"],
            peak_rss_mb=peak_rss_mb(),
            rows=counts["rows_read"],
            note=f"{applied.change_count:,} changes",
        ),
        baselines=[baseline],
        extra=extra,
    ).write()
    Result(
        name=f"provider_import_noop_{vendor}",
        title=f"Provider-file re-import, no changes ({vendor})",
        target="under 3 s",
        database=vendor,
        figure=Measurement(
            label="the same file again: check every row, find nothing to change (a job)",
            seconds=again["seconds"],
            rows=repeat.counts["rows_read"],
            note=f"status {repeat.status}",
        ),
        baselines=[baseline],
    ).write()
    sqlite_url = os.environ.get("BENCH_SQLITE_URL")
    if sqlite_url and vendor != "sqlite" and not os.environ.get("BENCH_CHILD"):
        env = {**os.environ, "DATABASE_URL": sqlite_url, "BENCH_CHILD": "1"}
        subprocess.run([sys.executable, str(Path(__file__))], env=env, check=True)


if __name__ == "__main__":
    sys.exit(main())
