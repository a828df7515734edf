"""A provider registers a service in a real browser: the rule panel follows the level and the start date
(htmx), and the result page shows the authorization number."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.authorizations.registration_scene import build_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_registers_iop_and_sees_the_rule_change_with_the_start_date(
    browser, live_server, client, make_user, artifacts_dir
):
    scene = build_scene(make_user)
    client.force_login(scene.user)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/registrations/new/")
    page.select_option("#id_level_of_care", "IOP")
    page.wait_for_selector("#rule >> text=Approved at once")
    assert "12 days over 42 days" in page.inner_text("#rule")

    page.fill("#id_start", "2013-06-03")
    page.dispatch_event("#id_start", "change")
    page.wait_for_selector("#rule >> text=Needs prior authorization")

    page.fill("#id_start", timezone.localdate().isoformat())
    page.dispatch_event("#id_start", "change")
    page.wait_for_selector("#rule >> text=Approved at once")
    page.fill("#id_medicaid_id", scene.adult.medicaid_id)
    page.fill("#id_birth_date", scene.adult.birth_date.isoformat())
    page.fill("#id_diagnoses", "F32.9")
    page.screenshot(path=str(artifacts_dir / "registration_form.png"), full_page=True)
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_selector(".auth-number")
    number = page.inner_text(".auth-number")
    page.screenshot(path=str(artifacts_dir / "registration_result.png"), full_page=True)
    context.close()
    assert re.fullmatch(r"A\d{2}-\d{7}-[0-9A-Z]", number.strip())
