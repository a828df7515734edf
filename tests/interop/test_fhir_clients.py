"""Provider-system OAuth2 clients: created by network operations (or the organization's
administrators), scoped to the organization, ended with the staff link."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from authorizations.models import Request
from interop.services import provider_client_create
from providers.models import ProviderStaff
from providers.services import staff_deactivate
from tests.authorizations.registration_scene import build_scene
from tests.interop.fhir_scene import SUBMIT, pas_bundle, post

pytestmark = pytest.mark.django_db


def _token(client_id: str, secret: str) -> Client:
    answer = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert answer.status_code == 200, answer.content
    return Client(HTTP_AUTHORIZATION=f"Bearer {answer.json()['access_token']}")


def test_a_client_made_by_network_operations_submits_for_its_organization_until_ended(make_user):
    scene = build_scene(make_user)
    ops = make_user("network_ops")
    made = provider_client_create(acting_user=ops, provider=scene.provider, name="Acme EHR")
    assert not made.user.has_usable_password()
    link = ProviderStaff.objects.get(user=made.user)
    assert made.user.history.get().history_user == ops and link.history.get().history_user == ops
    client = _token(made.client_id, made.client_secret)
    assert post(client, SUBMIT, pas_bundle(scene.adult)).status_code == 200
    assert Request.objects.get().submitted_by == made.user
    staff_deactivate(acting_user=ops, link=ProviderStaff.objects.get(user=made.user))
    assert post(client, SUBMIT, pas_bundle(scene.adult, trace="T2")).status_code == 401


def test_provider_staff_cannot_add_a_system(make_user):
    scene = build_scene(make_user)
    with pytest.raises(PermissionDenied):
        provider_client_create(acting_user=scene.user, provider=scene.provider, name="Mine")


def test_the_command_prints_the_secret_once(make_user):
    scene = build_scene(make_user)
    ops = make_user("network_ops", username="ops1")
    out = StringIO()
    call_command(
        "interop_client_create",
        npi=scene.provider.npi,
        name="Acme EHR",
        by=ops.username,
        stdout=out,
    )
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    _token(lines["client_id"], lines["client_secret"])
