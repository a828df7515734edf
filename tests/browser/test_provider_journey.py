"""A provider's day in a real browser: signs in with the password and the authenticator's code, checks a
member's eligibility, registers an outpatient service, and prints the confirmation with the
authorization number."""

from __future__ import annotations

import re

from django.utils import timezone

from authorizations.models import Authorization
from tests.authorizations.registration_scene import build_scene
from tests.browser.journeys import sign_in


def test_a_provider_checks_eligibility_registers_and_prints_the_confirmation(page, make_user, shot):
    scene = build_scene(make_user)
    sign_in(page, scene.user)  # password, then the six-digit code

    page.goto("/eligibility/check/")
    page.get_by_label("Medicaid id").fill(scene.adult.medicaid_id)
    page.get_by_label("Date of birth").fill(scene.adult.birth_date.isoformat())
    page.get_by_role("button", name="Check").click()
    page.locator("#answer h2").wait_for()
    assert page.inner_text("#answer h2").startswith("Eligible on")

    page.goto("/registrations/new/")
    page.select_option("#id_level_of_care", "OP")
    page.wait_for_selector("#rule >> text=Approved at once")
    page.fill("#id_start", timezone.localdate().isoformat())
    page.dispatch_event("#id_start", "change")
    page.fill("#id_medicaid_id", scene.adult.medicaid_id)
    page.fill("#id_birth_date", scene.adult.birth_date.isoformat())
    page.fill("#id_diagnoses", "F32.9")
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_selector(".auth-number")
    number = page.inner_text(".auth-number").strip()
    assert re.fullmatch(r"A\d{2}-\d{7}-[0-9A-Z]", number)
    assert Authorization.objects.get(number=number).member == scene.adult

    # The confirmation as it prints: the number is there, the navigation and history are not.
    assert page.get_by_role("button", name="Print confirmation").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".auth-number").is_visible()
    assert not page.locator("section.no-print").first.is_visible()
    shot(page, "provider-registration-printed")
