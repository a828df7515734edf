"""One settings module, switched by environment variables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, 'debug': s.DEBUG, "
    "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'demo': s.DEMO_MODE}))"
)
CLEAN = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "ASO_ENV",
        "SECRET_KEY",
        "CELERY_TASK_ALWAYS_EAGER",
        "DEBUG",
        "ASO_DEMO",
    }
}


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: PLW1510  the return code is asserted
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**CLEAN, "DJANGO_SETTINGS_MODULE": "aso.settings", **env},
        timeout=60,
    )


def _settings(**env: str) -> dict:
    result = _run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_is_sqlite_and_eager_celery_in_new_york_time():
    values = _settings()
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert (values["tz"], values["use_tz"]) == ("America/New_York", True)
    assert values["debug"] is True and values["demo"] is True


def test_database_url_switches_to_postgresql_and_a_broker_to_real_workers():
    values = _settings(
        DATABASE_URL="postgresql://app@127.0.0.1:5432/app",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _run("import django; django.setup()", ASO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production mode" in result.stderr


def test_production_mode_is_strict_and_passes_check_deploy_without_warnings():
    env = {
        **CLEAN,
        "ASO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "aso.example.org",
    }
    values = _settings(**{k: env[k] for k in ("ASO_ENV", "SECRET_KEY", "ALLOWED_HOSTS")})
    assert values["debug"] is False and values["demo"] is False and values["hsts"] >= 31536000
    result = subprocess.run(  # noqa: PLW1510  the return code is asserted
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
