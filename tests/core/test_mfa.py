"""Multi-factor authentication: enrolment on first sign-in, codes, recovery codes, re-enrolment, reset."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aso.core.accounts import mfa
from aso.core.accounts.sessions import MFA_DEVICE
from tests.clients import SignedInClient, authenticator_for, totp_now
from tests.conftest import PASSWORD
from tests.urlconf import iter_url_names, sample_url

pytestmark = pytest.mark.django_db


def _password_step(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"


def _enrol_page_secret(client: Client) -> str:
    page = client.get(reverse("accounts:mfa_enrol"))
    assert page.status_code == 200
    match = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page.content.decode())
    assert match, "the enrolment page shows the secret for typing by hand"
    return match.group(1).replace(" ", "")


def test_first_sign_in_enrols_an_authenticator_and_shows_recovery_codes_once(
    unverified_client, make_user
):
    client = unverified_client
    user = make_user("provider_staff", username="pat")
    _password_step(client, "pat")
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:mfa_verify"))
    assert client.get(reverse("accounts:mfa_verify"))["Location"].startswith(
        reverse("accounts:mfa_enrol")
    )
    page = client.get(reverse("accounts:mfa_enrol"))
    assert b"<svg" in page.content and b'aria-label="QR code"' in page.content
    _enrol_page_secret(client)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    wrong = client.post(reverse("accounts:mfa_enrol"), {"code": "000000"})
    assert mfa.WRONG_CODE in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and not StaticToken.objects.filter(device__user=user).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # no 1 s wait
    done = client.post(reverse("accounts:mfa_enrol"), {"code": totp_now(device), "next": "/"})
    assert done["Location"].startswith(reverse("accounts:recovery_codes"))
    codes_page = client.get(done["Location"]).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", codes_page)
    assert len(shown) == 10 == StaticToken.objects.filter(device__user=user).count()
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in shown) and "10 unused recovery codes" in again
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_user_needs_a_current_code_and_a_wrong_one_is_refused(
    unverified_client, make_user
):
    client = unverified_client
    device = authenticator_for(make_user("care_manager", username="carla"))
    _password_step(client, "carla")
    wrong = client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    assert wrong.status_code == 200 and mfa.WRONG_CODE in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    right = client.post(reverse("accounts:mfa_verify"), {"code": totp_now(device), "next": "/"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_a_code_works_only_once(make_user):
    device = authenticator_for(make_user("care_manager", username="carla"))
    code = totp_now(device)
    first, second = Client(), Client()
    for client in (first, second):
        _password_step(client, "carla")
    assert first.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
    replay = second.post(reverse("accounts:mfa_verify"), {"code": code})
    assert replay.status_code == 200 and mfa.WRONG_CODE in replay.content.decode()


def test_wrong_codes_slow_the_next_try_down(unverified_client, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # seconds after the first failure, doubling after
    client = unverified_client
    device = authenticator_for(make_user("care_manager", username="carla"))
    _password_step(client, "carla")
    client.post(reverse("accounts:mfa_verify"), {"code": "000000"})
    refused = client.post(reverse("accounts:mfa_verify"), {"code": totp_now(device)})
    assert "Too many wrong codes in a row. Wait" in refused.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(make_user):
    user = make_user("icm", username="ivy")
    authenticator_for(user)
    code = mfa.recovery_codes_issue(user=user)[0]
    client = Client()
    _password_step(client, "ivy")
    response = client.post(reverse("accounts:mfa_verify"), {"code": code.upper()}, follow=True)
    assert response.status_code == 200
    assert "You signed in with a recovery code: 9 left" in response.content.decode()
    other = Client()
    _password_step(other, "ivy")
    assert (
        mfa.WRONG_CODE
        in other.post(reverse("accounts:mfa_verify"), {"code": code}).content.decode()
    )


def test_a_session_without_its_second_factor_reaches_no_page(make_user):
    """Every page (but the sign-in steps and public pages) sends it to the code page."""
    client = Client()
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    steps = {"login", "logout", "health", "accounts:mfa_verify", "accounts:mfa_enrol"}
    checked = 0
    for name, pattern in iter_url_names():
        if (
            name in steps
            or "api" in name
            or getattr(pattern.callback, "login_required", True) is False
        ):
            continue  # sign-in steps, the API, and public pages (an invitation link) need no session
        response = client.get(sample_url(name, pattern))
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:mfa_verify")), name
        checked += 1
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:mfa_verify"))
    assert checked >= 8


def test_signing_in_and_verifying_each_give_a_new_session_key(unverified_client, make_user):
    client = unverified_client
    device = authenticator_for(make_user("care_manager", username="carla"))
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    _password_step(client, "carla")
    after_password = client.session.session_key
    client.post(reverse("accounts:mfa_verify"), {"code": totp_now(device)})
    after_code = client.session.session_key
    assert len({before, after_password, after_code}) == 3
    assert not Session.objects.filter(session_key__in=[before, after_password]).exists()


def test_replacing_the_authenticator_needs_re_authentication_and_ends_other_sessions(make_user):
    user = make_user("care_manager", username="carla")
    old = authenticator_for(user)
    client, elsewhere = SignedInClient(), SignedInClient()
    client.force_login(user)
    elsewhere.force_login(user)
    response = client.get(reverse("accounts:mfa_enrol"))
    assert response["Location"].startswith(reverse("accounts:reauth"))
    client.post(reverse("accounts:reauth"), {"password": PASSWORD, "code": totp_now(old)})
    _enrol_page_secret(client)
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("accounts:mfa_enrol"), {"code": totp_now(new)})
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [
        (new.pk, True)
    ]
    assert client.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302


def test_an_administrator_resets_mfa_and_the_user_enrols_again(admin_client, make_user):
    user = make_user("provider_staff", username="pat")
    authenticator_for(user)
    mfa.recovery_codes_issue(user=user)
    users_session = SignedInClient()
    users_session.force_login(user)
    response = admin_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "Reset multi-factor authentication of 1 user(s)" in response.content.decode()
    assert not mfa.is_enrolled(user) and mfa.recovery_codes_left(user) == 0
    assert users_session.get(reverse("home")).status_code == 302
    fresh = Client()
    _password_step(fresh, "pat")
    assert fresh.get(reverse("accounts:mfa_verify"))["Location"].startswith(
        reverse("accounts:mfa_enrol")
    )


def test_the_reset_command_needs_an_administrator_name(make_user, capsys):
    user, admin = make_user("icm", username="ivy"), make_user("admin", username="ada")
    authenticator_for(user)
    call_command("mfa_reset", "ivy", "--by", "ada")
    assert not mfa.is_enrolled(user) and "Reset multi-factor authentication of ivy" in (
        capsys.readouterr().out
    )
    assert admin.pk


def test_verification_is_recorded_as_the_device_in_the_session(client, make_user):
    user = make_user("icm")
    client.force_login(user)
    assert client.session[MFA_DEVICE] == authenticator_for(user).persistent_id


@pytest.mark.parametrize("demo_mode", [True, False])
def test_the_published_demo_secret_works_only_in_demo_mode(settings, make_user, demo_mode):
    from aso.demo import demo_totp_code

    settings.DEMO_MODE = True
    code = demo_totp_code()
    settings.DEMO_MODE = demo_mode
    user = make_user("care_manager", username="demo_like")
    TOTPDevice.objects.create(
        user=user, name="authenticator", key=mfa.DEMO_TOTP_KEY, confirmed=True
    )
    client = Client()
    _password_step(client, "demo_like")
    response = client.post(reverse("accounts:mfa_verify"), {"code": code})
    if demo_mode:
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200
    else:
        assert mfa.DEMO_SECRET_REFUSED in response.content.decode()
        assert client.get(reverse("home")).status_code == 302
        recovery = mfa.recovery_codes_issue(user=user)[0]
        refused = client.post(reverse("accounts:mfa_verify"), {"code": recovery})
        assert mfa.DEMO_SECRET_REFUSED in refused.content.decode()
