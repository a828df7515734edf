"""Every URL x every role (and anonymous), for the role's own organization's object and another's.

The expected answers live in `tests/<app>/matrix.py`; a URL without an entry fails `test_every_url_has_an_entry`.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.test import Client

import tests
from tests.matrix import ALL_ROLES, ANONYMOUS, SCOPED_ROLES, Entry, build_world
from tests.urlconf import all_url_names


def _load_entries() -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
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
            for url_name, entry in getattr(loaded, "ENTRIES", {}).items():
                assert url_name not in entries, f"{url_name} has two matrix entries"
                entries[url_name] = entry
    return entries


ENTRIES = _load_entries()
CASES = [(url_name, role) for url_name in sorted(ENTRIES) for role in ALL_ROLES]


def test_every_url_has_an_entry():
    missing = sorted(all_url_names() - set(ENTRIES))
    assert not missing, f"add these URLs to a tests/<app>/matrix.py ENTRIES table: {missing}"


@pytest.fixture
def world(db, ref):  # type: ignore[no-untyped-def]
    return build_world()


def _call(client: Client, entry: Entry, url: str, world) -> int:  # type: ignore[no-untyped-def]
    data = entry.data(world) if entry.data else None
    if entry.method == "get":
        return client.get(url, data).status_code
    return getattr(client, entry.method)(url, data or {}).status_code


@pytest.mark.parametrize(("url_name", "role"), CASES, ids=[f"{u}-{r}" for u, r in CASES])
def test_each_role_gets_the_expected_answer(client, world, url_name, role):
    entry = ENTRIES[url_name]
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    status = _call(client, entry, entry.url(world), world)
    assert status == entry.status_for(role), (
        f"{url_name} as {role}: {status}, expected {entry.status_for(role)}"
    )
    if entry.other_url is not None and role in SCOPED_ROLES:
        other = _call(client, entry, entry.other_url(world), world)
        assert other == 404, (
            f"{url_name} as {role} for another organization's object: {other}, expected 404"
        )
