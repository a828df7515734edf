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


def free_port() -> int:
    """A free TCP port on loopback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "1"))


def serve_gunicorn(port: int, threads: int = GUNICORN_THREADS) -> subprocess.Popen[bytes]:
    """gunicorn (2 sync workers; with `threads` > 1, gthread workers with that many threads each: on
    2026-11-24 sync workers served 220 registrations/s and gthread x4 174, the GIL's switching costing
    more than the database waits it overlaps), DEBUG off, persistent connections, on the environment's
    database, with the bench ping endpoint beside the project's URLs; returns once /health/ answers."""
    import urllib.request

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "server_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{ROOT}",
        "DEBUG": "0",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "aso.wsgi:application", "-w", "2",
         "-k", "gthread" if threads > 1 else "sync", "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer /health/ within 60 s")


def celery_worker(env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """A real Celery worker as production runs it (prefork, one child process; late acknowledgement and
    reject-on-worker-lost come from the settings) on the environment's database and broker."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aso", "worker", "-P", "prefork", "-c", "1",
         "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT, env=env or dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def pool_children(pid: int) -> list[int]:
    """The process ids of a worker's pool children (the processes that run the tasks)."""
    out = subprocess.run(["pgrep", "-P", str(pid)], check=False, capture_output=True, text=True)
    return [int(line) for line in out.stdout.split()]
