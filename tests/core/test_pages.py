"""Every page needs a signed-in user; every demo user reaches a home page that links only to live pages."""

import pytest
from django.urls import reverse

from aso.core.roles import ROLES
from tests.clients import authenticator_for, totp_now
from tests.conftest import PASSWORD
from tests.urlconf import iter_url_names, sample_url

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "health",
    "api-schema",
    "api-docs",
    "providers:invitation_accept",  # an invited person sets a first password (one-time token)
}  # the API answers 401/403 itself; see test_api_auth


def test_every_page_redirects_anonymous_users_to_sign_in(client):
    checked = 0
    for name, pattern in iter_url_names():
        if name in PUBLIC or getattr(pattern.callback, "login_required", True) is False:
            continue  # public by design (sign-in, health, an invitation link)
        url = sample_url(name, pattern)
        if url.startswith("/api/"):
            continue  # the API answers 401/403 itself: see the API matrix
        response = client.get(url)
        assert response.status_code == 302, (
            f"{name} answered {response.status_code} to an anonymous user"
        )
        assert response["Location"].startswith(reverse("login")), name
        checked += 1
    assert checked >= 4


def test_the_api_schema_needs_authentication(client):
    assert client.get(reverse("api-schema")).status_code in {401, 403}


def test_the_health_check_is_public_and_says_nothing_else(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize("role", [r.code for r in ROLES])
def test_each_role_reaches_its_home_page_and_every_link_there_works(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    label = next(r.label for r in ROLES if r.code == role)
    assert label in response.content.decode()
    for _label, url in response.context["links"]:
        assert client.get(url).status_code == 200, f"{role}: dead link {url}"


def test_a_user_without_a_role_is_told_so(client, make_user):
    client.force_login(make_user(None))
    assert "no role yet" in client.get(reverse("home")).content.decode()


def test_sign_in_with_password_and_code_and_out(unverified_client, make_user):
    client = unverified_client
    device = authenticator_for(make_user("care_manager", username="carla"))
    response = client.post(reverse("login"), {"username": "carla", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    code_page = client.get(reverse("home"))
    assert code_page["Location"] == f"{reverse('accounts:mfa_verify')}?next=/"
    response = client.post(code_page["Location"], {"code": totp_now(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, make_user):
    make_user("care_manager", username="carla")
    response = client.post(reverse("login"), {"username": "carla", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
