"""Browser journeys: Playwright driving Debian's chromium against a live server.

How a journey is written (each feature adds its own `tests/browser/test_<feature>.py`):

    def test_a_care_manager_approves_an_expedited_request(signed_in, shot):
        page = signed_in("care_manager")          # password + TOTP code typed in the browser
        page.get_by_role("link", name="Review queue").click()
        ...
        shot(page, "care-manager-approval")      # test-artifacts/browser/care-manager-approval.png

Every page a journey visits is watched for Content Security Policy refusals and JavaScript errors: the
test fails if the browser refused anything. Tests here carry the `browser` marker (they need chromium).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.journeys import sign_in

TIMEOUT_MS = 10_000
REFUSED = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects
def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def page(browser, live_server, transactional_db, ref) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A fresh browser tab (own cookies) that fails the test on CSP refusals or script errors."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    problems: list[str] = []
    tab.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and REFUSED.search(m.text) else None,
    )
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    yield tab
    context.close()
    assert not problems, "the browser refused or failed:\n" + "\n".join(problems)


@pytest.fixture
def shot(artifacts_dir) -> Callable[[Any, str], Path]:  # type: ignore[no-untyped-def]
    """shot(page, "name") saves a full-page screenshot under test-artifacts/browser/."""
    folder = artifacts_dir / "browser"
    folder.mkdir(exist_ok=True)

    def take(tab: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def signed_in(page, make_user) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """signed_in("care_manager", **user_fields) -> the page, signed in with password and TOTP."""

    def as_role(role: str, **fields: Any) -> Any:
        user = make_user(role, **fields)
        sign_in(page, user)
        page.user = user
        return page

    return as_role
