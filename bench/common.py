"""Shared pieces of the benchmarks: Django setup against the bench database, timing, result files.

Every benchmark measures a figure and a baseline in the same run on the same machine, and writes
bench/results/<name>.json; bench/report.py turns the results into docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aso.settings")
    import django

    django.setup()


@dataclass
class Measurement:
    label: str
    seconds: float
    peak_rss_mb: float | None = None
    rows: int | None = None
    note: str = ""


@dataclass
class Result:
    name: str
    title: str
    target: str
    database: str
    figure: Measurement
    baselines: list[Measurement] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)
    machine: str = ""
    measured_at: str = ""

    def write(self) -> Path:
        self.machine = machine_description()
        self.measured_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        path.write_text(json.dumps(asdict(self), indent=2, default=str) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")
        return path


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    box: dict[str, float] = {}
    start = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_description() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    pg = ""
    try:
        pg = subprocess.run(
            ["psql", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        pass
    return f"{cpus} cores, {mem}, {platform.platform()}, Python {platform.python_version()}, {pg}"


def database_vendor() -> str:
    from django.db import connection

    return connection.vendor


def signed_in_client(user: object) -> object:
    """A Django test client signed in as `user` with the second factor passed, as every page needs
    (the benchmark measures the page, not the sign-in)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aso.core.accounts.mfa import AUTHENTICATOR_NAME
    from aso.core.accounts.sessions import MFA_DEVICE

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[MFA_DEVICE] = device.persistent_id
    session.save()
    return client
