"""Lockout: five failed sign-ins (wrong passwords or wrong codes) lock the account, with a clear page;
it unlocks by itself after the cool-off, or at once by an administrator."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.clients import authenticator_for, totp_now
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Sign-in is locked for now"


def _sign_in(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def _lock(client: Client, username: str) -> None:
    for _ in range(5):
        _sign_in(client, username, "wrong-password-123")


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(make_user):
    make_user("care_manager", username="carla")
    client = Client()
    for attempt in range(4):
        response = _sign_in(client, "carla", "wrong-password-123")
        assert response.status_code == 200, attempt
        assert "Please enter a correct username and password" in response.content.decode()
    locked = _sign_in(client, "carla", "wrong-password-123")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and "5 failed sign-in attempts" in page and "15 minutes" in page
    assert "ask your administrator to unlock" in page
    right = _sign_in(Client(), "carla")  # the right password from elsewhere: still locked
    assert right.status_code == 429 and LOCKED in right.content.decode()


def test_an_unknown_username_locks_the_same_way(db):
    client = Client()
    _lock(client, "nobody-here")
    response = _sign_in(client, "nobody-here")
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_wrong_codes_count_too_and_sign_the_user_out(make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # let the codes through to the lockout count
    authenticator_for(make_user("care_manager", username="carla"))
    client = Client()
    assert _sign_in(client, "carla").status_code == 302
    for _ in range(4):
        assert client.post(reverse("accounts:mfa_verify"), {"code": "000000"}).status_code == 200
    locked = client.post(reverse("accounts:mfa_verify"), {"code": "000000"})
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert _sign_in(Client(), "carla").status_code == 429


def test_the_lock_lifts_by_itself_after_the_cool_off(make_user):
    make_user("care_manager", username="carla")
    _lock(Client(), "carla")
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert _sign_in(Client(), "carla").status_code == 302


def test_an_administrator_unlocks_at_once(admin_client, make_user):
    user = make_user("care_manager", username="carla")
    _lock(Client(), "carla")
    response = admin_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "Unlocked sign-in of 1 user(s)" in response.content.decode()
    assert _sign_in(Client(), "carla").status_code == 302


def test_the_unlock_command_works_too(make_user):
    make_user("care_manager", username="carla")
    _lock(Client(), "carla")
    call_command("axes_reset_username", "carla")
    assert _sign_in(Client(), "carla").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(make_user):
    device = authenticator_for(make_user("care_manager", username="carla"))
    client = Client()
    for _ in range(4):
        _sign_in(client, "carla", "wrong-password-123")
    assert _sign_in(client, "carla").status_code == 302
    client.post(reverse("accounts:mfa_verify"), {"code": totp_now(device)})
    for _ in range(4):
        _sign_in(Client(), "carla", "wrong-password-123")
    assert _sign_in(Client(), "carla").status_code == 302


def test_the_right_password_alone_does_not_clear_wrong_codes(make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    authenticator_for(make_user("care_manager", username="carla"))
    for wrong_codes in (3, 2):
        client = Client()
        assert _sign_in(client, "carla").status_code == 302
        for _ in range(wrong_codes):
            last = client.post(reverse("accounts:mfa_verify"), {"code": "000000"})
    assert last.status_code == 429
    assert _sign_in(Client(), "carla").status_code == 429


def test_failed_attempts_keep_no_password_or_code(make_user):
    make_user("care_manager", username="carla")
    _sign_in(Client(), "carla", "my-secret-guess-1")
    attempt = AccessAttempt.objects.get()
    assert "my-secret-guess-1" not in attempt.post_data
