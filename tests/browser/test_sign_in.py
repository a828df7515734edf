"""Journeys: a first sign-in enrols an authenticator; an enrolled user signs in with a code."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.journeys import code_for_secret, password_step


def test_a_provider_signs_in_for_the_first_time_and_sets_up_an_authenticator(page, make_user, shot):
    user = make_user("provider_staff", username="pat", first_name="Pat", last_name="Lee")
    password_step(page, "pat")
    page.get_by_role("heading", name="Set up your authenticator").wait_for()
    assert page.locator(".qr svg").is_visible()
    shot(page, "mfa-enrolment")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(code_for_secret(secret))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    shot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("heading", name="Welcome, Pat Lee").wait_for()
    assert TOTPDevice.objects.get(user=user).confirmed


def test_a_care_manager_signs_in_with_a_code_and_reaches_the_home_page(signed_in, shot):
    page = signed_in("care_manager", first_name="Carla", last_name="Diaz")
    assert page.get_by_role("heading", name="Welcome, Carla Diaz").is_visible()
    assert page.get_by_text("Care manager").first.is_visible()
    shot(page, "home-care-manager")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
