"""Sessions: idle timeout, absolute lifetime, background polls, disabled accounts, password changes."""

import time

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from aso.core.accounts.sessions import (
    ACTIVE,
    EXPIRED,
    IDLE,
    LAST_SEEN,
    SIGNED_IN_AT,
    session_check,
)
from aso.core.middleware import BACKGROUND_HEADER
from tests.clients import SignedInClient, authenticator_for, totp_now
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _age(client, *, signed_in: float = 0, idle: float = 0) -> None:  # type: ignore[no-untyped-def]
    """Move the session's clocks back by that many seconds."""
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in
    session[LAST_SEEN] = now - idle
    session.save()


@pytest.fixture
def carla(client, make_user):  # type: ignore[no-untyped-def]
    user = make_user("care_manager", username="carla")
    client.force_login(user)
    return user


def test_fifteen_idle_minutes_end_the_session_with_a_message(client, carla):
    _age(client, signed_in=20 * 60, idle=15 * 60 + 1)
    response = client.get(reverse("core:job_list"))
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 15 minutes without activity" in page
    assert client.get(reverse("home")).status_code == 302


def test_activity_keeps_the_session_and_is_recorded_at_most_once_a_minute(client, carla):
    _age(client, signed_in=60 * 60, idle=14 * 60)
    assert client.get(reverse("home")).status_code == 200
    seen = client.session[LAST_SEEN]
    assert time.time() - seen < 5
    assert client.get(reverse("home")).status_code == 200
    assert client.session[LAST_SEEN] == seen


def test_a_progress_bar_polling_is_not_activity(client, carla):
    _age(client, signed_in=60 * 60, idle=14 * 60)
    before = client.session[LAST_SEEN]
    assert client.get(reverse("home"), headers={BACKGROUND_HEADER: "1"}).status_code == 200
    assert client.session[LAST_SEEN] == before


def test_an_htmx_poll_after_the_session_ended_sends_the_whole_page_to_sign_in(client, carla):
    _age(client, signed_in=60 * 60, idle=16 * 60)
    response = client.get(reverse("core:job_list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_the_absolute_lifetime_ends_even_a_busy_session(client, carla):
    _age(client, signed_in=12 * 60 * 60, idle=0)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("login"))
    assert "12-hour limit" in client.get(response["Location"]).content.decode()


def test_the_idle_timeout_is_configurable(client, carla, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    _age(client, signed_in=10 * 60, idle=5 * 60 + 1)
    assert client.get(reverse("home")).status_code == 302


def test_disabling_an_account_ends_its_sessions_and_only_its_own(make_user):
    carla, other = make_user("care_manager"), make_user("care_manager")
    carla_client, other_client = SignedInClient(), SignedInClient()
    carla_client.force_login(carla)
    other_client.force_login(other)
    carla.is_active = False
    carla.save()
    assert carla_client.get(reverse("home")).status_code == 302
    assert other_client.get(reverse("home")).status_code == 200


def test_changing_the_password_needs_re_authentication_and_ends_other_sessions(make_user):
    user = make_user("care_manager", username="carla")
    device = authenticator_for(user)
    client, elsewhere = SignedInClient(), SignedInClient()
    client.force_login(user)
    elsewhere.force_login(user)
    start = client.get(reverse("accounts:password_change"))
    assert start["Location"].startswith(reverse("accounts:reauth"))
    wrong = client.post(start["Location"], {"password": "not-my-password", "code": "123456"})
    assert "That password is not right." in wrong.content.decode()
    ok = client.post(start["Location"], {"password": PASSWORD, "code": totp_now(device)})
    assert ok["Location"] == reverse("accounts:password_change")
    weak = client.post(ok["Location"], {"new_password1": "short", "new_password2": "short"})
    assert "This password is too short" in weak.content.decode()
    new = "correct horse battery staple"
    done = client.post(ok["Location"], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Your password is changed. Your other sessions have ended." in done.content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302
    user.refresh_from_db()
    assert user.check_password(new) and not user.check_password(PASSWORD)
    again = client.get(reverse("accounts:password_change"))
    assert again["Location"].startswith(reverse("accounts:reauth")), "re-authentication is spent"


def test_re_authentication_expires(client, carla, settings):
    from aso.core.accounts.sessions import REAUTH_AT

    session = client.session
    session[REAUTH_AT] = time.time() - settings.REAUTH_MAX_AGE - 1
    session.save()
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:reauth"))


times = st.floats(min_value=0, max_value=10**6, allow_nan=False)


@given(start=times, idle_for=times, since_start=times)
def test_the_session_rule(start, idle_for, since_start):
    idle_timeout, lifetime = 900, 43200
    now = start + since_start
    seen = now - min(idle_for, since_start)
    check = session_check(
        now=now,
        signed_in_at=start,
        last_seen=seen,
        idle_timeout=idle_timeout,
        absolute_lifetime=lifetime,
    )
    if since_start >= lifetime:
        assert check.verdict == EXPIRED
    elif now - seen >= idle_timeout:
        assert check.verdict == IDLE
    else:
        assert check.verdict == ACTIVE
        assert check.touch == (now - seen >= 60)


@given(ahead=st.floats(min_value=0, max_value=10**6, allow_nan=False))
def test_a_clock_running_behind_never_ends_a_session_early(ahead):
    check = session_check(
        now=1000.0,
        signed_in_at=1000.0 + ahead,
        last_seen=1000.0 + ahead,
        idle_timeout=900,
        absolute_lifetime=43200,
    )
    assert check.verdict == ACTIVE and not check.touch


def test_a_session_without_a_sign_in_time_is_expired():
    check = session_check(
        now=1.0, signed_in_at=None, last_seen=None, idle_timeout=900, absolute_lifetime=43200
    )
    assert check.verdict == EXPIRED
