"""Helpers of the eligibility benchmarks: empty databases, the load driver, the machine's load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from common import ROOT

PY = sys.executable


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def fresh_postgres(url: str, name: str) -> str:
    """An empty database `name` on the bench cluster, migrated, with reference data."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    target = f"{base}/{name}"
    manage(target, "migrate", "--noinput", "-v0")
    manage(target, "load_reference_data")
    return target


def fresh_sqlite(path: Path) -> str:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    url = f"sqlite:///{path}"
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "load_reference_data")
    return url


def driver(url: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [PY, "bench/load_driver.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["error"] or result["load"]["status"] != "succeeded":
        raise SystemExit(f"load failed: {result}")
    return result
