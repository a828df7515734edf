"""Every page and every API operation x every role (and anonymous), for the role's own organization's
object and another's; API operations with a session (after MFA) and with a token.

The expected answers live in `tests/<app>/matrix.py` (ENTRIES for pages, API_ENTRIES for operations of the
OpenAPI schema); a page or operation without an entry fails. Answers that show member data must write an
AccessLog row (`member_data=True`), and a successful answer showing a world member's identifiers under an
entry without that flag fails. Every page's markup must work under the strict Content Security Policy (no
inline script, style or event handler). Each role's calls run in a savepoint that is rolled back, so one role's
writes never change what the next role sees.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from rest_framework.authtoken.models import Token

import tests
from aso.core.models import AccessLog
from tests.clients import SignedInClient
from tests.matrix import (
    ALL_ROLES,
    ANONYMOUS,
    SCOPED_ROLES,
    ApiEntry,
    Entry,
    World,
    build_world,
    member_markers,
)
from tests.urlconf import all_url_names, api_operations, iter_url_names


def _load_entries() -> tuple[dict[str, Entry], dict[str, ApiEntry]]:
    pages: dict[str, Entry] = {}
    operations: dict[str, ApiEntry] = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        for name in ("world", "matrix"):
            try:
                loaded = importlib.import_module(f"tests.{module.name}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{module.name}.{name}":
                    raise
                continue
            for table, found in ((pages, "ENTRIES"), (operations, "API_ENTRIES")):
                for key, entry in getattr(loaded, found, {}).items():
                    assert key not in table, f"{key} has two matrix entries"
                    table[key] = entry
    return pages, operations


ENTRIES, API_ENTRIES = _load_entries()
API_CASES = [(op, auth) for op in sorted(API_ENTRIES) for auth in ("session", "token")]


def test_every_url_has_an_entry():
    pages = all_url_names()
    missing = sorted(pages - set(ENTRIES))
    assert not missing, f"add these URLs to a tests/<app>/matrix.py ENTRIES table: {missing}"
    every_name = {name for name, _ in iter_url_names()}
    moved = sorted(set(ENTRIES) & (every_name - pages))
    assert not moved, f"these URLs serve API operations: move their entries to API_ENTRIES: {moved}"
    stale = sorted(set(ENTRIES) - every_name)
    assert not stale, f"these ENTRIES name no URL: {stale}"


def test_every_api_operation_has_an_entry():
    operations = set(api_operations())
    missing = sorted(operations - set(API_ENTRIES))
    assert not missing, (
        f"add these operations to a tests/<app>/matrix.py API_ENTRIES table: {missing}"
    )
    stale = sorted(set(API_ENTRIES) - operations)
    assert not stale, f"these API_ENTRIES name no operation of the schema: {stale}"


@pytest.fixture
def world(db, ref):  # type: ignore[no-untyped-def]
    return build_world()


def _client(world: World, role: str, auth: str) -> Client:
    if role == ANONYMOUS:
        return Client()
    user = world.users[role]
    if auth == "token":
        token, _ = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    client = SignedInClient()
    client.force_login(user)
    return client


def _call(client: Client, entry: Entry, url: str, world: World) -> HttpResponse:
    data = entry.data(world) if entry.data else None
    if entry.method == "get":
        return client.get(url, data)
    if isinstance(entry, ApiEntry):
        return getattr(client, entry.method)(url, data or {}, content_type="application/json")
    return getattr(client, entry.method)(url, data or {})


def _body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        return ""  # files (workbooks) are checked through the access log only
    return response.content.decode(errors="replace")


def _member_data_problems(
    label: str, entry: Entry, response: HttpResponse, world: World, logged: bool
) -> list[str]:
    if entry.member_data:
        return [] if logged else [f"{label}: showed member data but wrote no AccessLog row"]
    shown = [m for m in member_markers(world) if m in _body(response)]
    if shown:
        return [f"{label}: shows member data ({shown[0]!r}); set member_data=True in its entry"]
    return []


TAG = re.compile(r"<[a-zA-Z][^>]*>")
INLINE = {
    "an inline <script>": re.compile(r"^<script\b(?![^>]*\bsrc=)(?![^>]*application/json)"),
    "a <style> element": re.compile(r"^<style\b"),
    "a style attribute": re.compile(r"\sstyle\s*="),
    "an on* event handler attribute": re.compile(r"\son[a-z]+\s*="),
    "a javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE),
}


def _csp_problems(label: str, response: HttpResponse) -> list[str]:
    """The page must work under the strict CSP: no inline script, style or event handler."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    for tag in TAG.findall(_body(response)):
        for what, pattern in INLINE.items():
            if pattern.search(tag):
                return [f"{label}: {what}, refused by the Content Security Policy: {tag[:120]}"]
    return []


def _check(world: World, entry: Entry, key: str, role: str, auth: str) -> list[str]:
    """Call the entry as `role` (own organization's object, then another's); what went wrong."""
    problems: list[str] = []
    with transaction.atomic():
        client = _client(world, role, auth)
        user = world.users.get(role)
        before = AccessLog.objects.filter(user=user).count() if user else 0
        url = entry.url(world)
        label = f"{key} as {role} ({auth})"
        if any(marker in url for marker in member_markers(world)):
            problems.append(f"{label}: member data in the URL {url}")
        response = _call(client, entry, url, world)
        expected = entry.status_for(role)
        if response.status_code != expected:
            problems.append(f"{label}: {response.status_code}, expected {expected}")
        elif 200 <= response.status_code < 300:
            logged = user is not None and AccessLog.objects.filter(user=user).count() > before
            problems += _member_data_problems(label, entry, response, world, logged)
            problems += _csp_problems(label, response)
        if entry.other_url is not None and role in SCOPED_ROLES:
            other = _call(client, entry, entry.other_url(world), world).status_code
            if other != 404:
                problems.append(f"{label} for another organization's object: {other}, expected 404")
        transaction.set_rollback(True)
    return problems


@pytest.mark.parametrize("url_name", sorted(ENTRIES))
def test_each_role_gets_the_expected_answer(world, url_name):
    entry = ENTRIES[url_name]
    problems = [p for role in ALL_ROLES for p in _check(world, entry, url_name, role, "session")]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("operation", "auth"), API_CASES, ids=[f"{o}-{a}" for o, a in API_CASES])
def test_each_role_gets_the_expected_api_answer(world, operation, auth):
    entry = API_ENTRIES[operation]
    problems = [p for role in ALL_ROLES for p in _check(world, entry, operation, role, auth)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("operation", sorted(API_ENTRIES))
def test_a_session_without_its_second_factor_gets_no_api_answer(world, operation):
    entry = API_ENTRIES[operation]
    client = Client()
    client.force_login(world.users["admin"])  # password only: no second factor
    response: Any = _call(client, entry, entry.url(world), world)
    assert response.status_code == 403
    assert "Multi-factor verification is required" in response.json()["detail"]
