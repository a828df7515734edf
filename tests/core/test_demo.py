"""The demo: deterministic synthetic data and one user per role who can sign in."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from aso.core.roles import ROLES
from aso.demo import DEMO_PASSWORD, demo_username
from members.models import EligibilitySpan, Member
from providers.models import Provider, ServiceOffering, Site

pytestmark = pytest.mark.django_db


def test_seed_small_creates_a_network_members_and_demo_users_who_sign_in(client, ref):
    call_command(
        "seed_demo",
        "--scale",
        "small",
        "--seed",
        "7",
        "--today",
        "2026-11-01",
        stdout=io.StringIO(),
    )
    assert Provider.objects.count() == 24 and Site.objects.count() >= 24
    assert set(Provider.objects.values_list("kind", flat=True)) == {
        "hospital",
        "residential",
        "clinic",
        "fqhc",
        "group",
        "individual",
    }
    assert ServiceOffering.objects.filter(
        level_of_care__code="IP_PSY", site__provider__kind="hospital"
    ).exists()
    assert (
        not ServiceOffering.objects.filter(level_of_care__code="IP_PSY")
        .exclude(site__provider__kind="hospital")
        .exists()
    )
    assert Member.objects.count() == 1500
    spans = EligibilitySpan.objects.count()
    assert 1.15 < spans / 1500 < 1.45
    assert not EligibilitySpan.objects.filter(end__lt=models_F("start")).exists()
    for role in ROLES:
        assert client.login(username=demo_username(role.code), password=DEMO_PASSWORD), role.code
        assert client.get(reverse("home")).status_code == 200
        client.logout()


def models_F(name):  # type: ignore[no-untyped-def]
    from django.db.models import F

    return F(name)


def test_the_same_seed_gives_the_same_people(ref):
    from aso.core.seeding import SeedContext
    from members.seed import seed_members
    from providers.seed import seed_providers

    ctx = SeedContext(
        scale="small", seed=11, today=__import__("datetime").date(2026, 11, 1), log=lambda _: None
    )
    seed_providers(ctx)
    seed_members(ctx)
    first = list(
        Member.objects.order_by("id").values_list("medicaid_id", "birth_date", "town_id")[:50]
    )
    Member.objects.all().delete()
    seed_members(ctx)
    again = list(
        Member.objects.order_by("id").values_list("medicaid_id", "birth_date", "town_id")[:50]
    )
    assert first == again


def test_demo_users_are_refused_outside_demo_mode(settings, ref):
    from django.core.exceptions import ImproperlyConfigured

    from aso.demo import demo_users_create

    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        demo_users_create()


def test_a_demo_user_signs_in_through_the_real_code_page_with_the_demo_code(ref, unverified_client):
    from aso.demo import demo_totp_code, demo_users_create

    demo_users_create()
    client = unverified_client
    client.post(
        reverse("login"), {"username": demo_username("care_manager"), "password": DEMO_PASSWORD}
    )
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:mfa_verify"))
    client.post(reverse("accounts:mfa_verify"), {"code": demo_totp_code()})
    assert client.get(reverse("home")).status_code == 200


def test_the_demo_code_command_prints_the_code_and_refuses_outside_demo_mode(settings, capsys):
    from django.core.exceptions import ImproperlyConfigured

    from aso.demo import DEMO_TOTP_SECRET, demo_totp_code

    call_command("demo_totp")
    out = capsys.readouterr().out
    assert out.split()[0] in {demo_totp_code(), demo_totp_code(at=__import__("time").time() - 5)}
    assert DEMO_TOTP_SECRET in out
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        call_command("demo_totp")
