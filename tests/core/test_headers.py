"""Transport and headers: a strict Content Security Policy everywhere; HTTPS only, HSTS and __Host-
cookies in production mode. (That every page works under the policy is checked by the permission
matrix, which looks at every page's markup, and by the browser journeys, which watch for refusals.)"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
STRICT_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


@pytest.mark.django_db
def test_every_answer_carries_the_strict_policy_and_the_security_headers(client, make_user):
    client.force_login(make_user("care_manager"))
    response = client.get(reverse("home"))
    assert _directives(response["Content-Security-Policy"]) == STRICT_CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_api_docs_page_loads_its_start_up_script_as_a_file(client, make_user):
    client.force_login(make_user("care_manager"))
    page = client.get(reverse("api-docs")).content.decode()
    assert "<style>" not in page and "<script>" not in page
    assert 'src="/api/v1/docs/?script="' in page
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


PROBE = """
import django, json
django.setup()
from django.conf import settings as s
from django.test import Client
client = Client()
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", secure=True)
cookie = page.cookies["__Host-csrftoken"]
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "hsts": page["Strict-Transport-Security"],
    "csp": page["Content-Security-Policy"],
    "csrf_cookie": [bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"],
                    cookie["domain"], cookie["path"]],
    "session_cookie": [s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,
                       s.SESSION_COOKIE_SAMESITE],
    "demo": s.DEMO_MODE,
}))
"""


def test_production_mode_is_https_only_with_hsts_and_host_only_secure_cookies():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "ASO_DEMO", "DATABASE_URL"}}
    env |= {
        "ASO_ENV": "production",
        "ASO_DEMO": "1",  # asking for demo mode in production must not give it
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "testserver",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "aso.settings",
    }
    result = subprocess.run(  # noqa: PLW1510  the return code is asserted
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["plain"] == [301, "https://testserver/accounts/login/"]
    assert found["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert _directives(found["csp"]) == STRICT_CSP | {"upgrade-insecure-requests"}
    assert found["csrf_cookie"] == [True, True, "Lax", "", "/"]
    assert found["session_cookie"] == ["__Host-sessionid", True, True, "Lax"]
    assert found["demo"] is False
