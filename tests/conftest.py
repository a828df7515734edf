"""Shared test fixtures: reference data, users by role, signed-in clients, eager Celery, a real
worker, a browser.

`client.force_login(user)` (and `client.login(...)`) sign in *and* complete multi-factor verification
(tests/clients.py); `unverified_client` is a plain client for tests of the sign-in steps themselves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from aso.celery import app as celery_app
from aso.core.services import roles_sync
from aso.referencedata import load_all
from providers.models import LevelOfCare
from tests.clients import SignedInClient

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    """Fast password hashing in tests: the real hasher costs a third of a second per user.

    Hypothesis runs without its per-example deadline: a deadline is a timed assertion, and a busy CI
    machine would fail it for nothing.
    """
    from django.conf import settings
    from hypothesis import settings as hypothesis_settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hypothesis_settings.register_profile("aso", deadline=None)
    hypothesis_settings.load_profile("aso")


def _ensure_reference_data() -> None:
    if not LevelOfCare.objects.exists():
        load_all()
    if not Group.objects.filter(name="admin").exists():
        roles_sync()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Reference data and role groups are loaded once per test database."""
    with django_db_blocker.unblock():
        _ensure_reference_data()


@pytest.fixture
def ref(db):  # type: ignore[no-untyped-def]
    """Reference data present (also after a transactional test flushed the database)."""
    _ensure_reference_data()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _eager_celery(request) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Tasks run in-process unless the test drives a real worker (RUNTIME.md gotcha 1)."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def client() -> SignedInClient:
    """The Django test client, whose force_login/login also complete multi-factor verification."""
    return SignedInClient()


@pytest.fixture
def unverified_client() -> Client:
    """A plain test client: signing in with it stops at the second factor, as for a person."""
    return Client()


@pytest.fixture
def admin_client(db, admin_user) -> SignedInClient:  # type: ignore[no-untyped-def]
    client = SignedInClient()
    client.force_login(admin_user)
    return client


PASSWORD = "x-test-password-42"


@pytest.fixture
def make_user(db, ref) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """make_user("care_manager", username=..., agency=...) -> a user holding that role.

    Its password is `tests.conftest.PASSWORD`; it has no authenticator until it signs in with the
    `client` fixture (or `tests.clients.authenticator_for(user)` makes one).
    """
    from django.contrib.auth import get_user_model

    counter = {"n": 0}

    def make(role: str | None = None, *, username: str | None = None, **fields: object) -> object:
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            username=username or f"{role or 'nobody'}_{counter['n']}",
            password=PASSWORD,
            **fields,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


def _needs(tool: str, reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}: {tool} is missing and CI=true requires it")
    pytest.skip(f"{reason}: {tool} is not available here")


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[subprocess.Popen]:  # type: ignore[no-untyped-def]
    """A real Celery worker on the test database and the configured Redis broker (RUNTIME.md gotcha 2)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        _needs("PostgreSQL", "a real worker must share the test database")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        _needs("Redis (CELERY_BROKER_URL)", "a real worker needs a broker")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aso",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if celery_app.control.ping(timeout=0.5):
                break
        except Exception:  # noqa: BLE001  broker not answering yet
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the Celery worker did not answer a ping within 30 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian chromium driven by Playwright (RUNTIME.md section 4)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        _needs("chromium", "browser journeys")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts_dir() -> Path:
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
