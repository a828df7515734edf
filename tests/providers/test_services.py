"""Maintenance services: offerings one at a time, terminations, edits, staff accounts, history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from providers import services
from providers.choices import ProviderStatus
from providers.models import LevelOfCare, ProviderStaff, ServiceOffering
from providers.rules import TERMINATION_REASON_REQUIRED
from providers.selectors import providers_visible_to
from tests.providers.files import npi

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(make_user):  # type: ignore[no-untyped-def]
    return make_user("network_ops", username="ops_user", first_name="Olga", last_name="Ops")


def test_an_overlapping_offering_is_refused_with_a_message_naming_both(make_provider, ops):
    provider = make_provider(1)
    site = provider.sites.get()
    existing = ServiceOffering.objects.get(site=site)
    with pytest.raises(ValidationError) as refused:
        services.offering_add(
            acting_user=ops,
            site=site,
            level_of_care=LevelOfCare.objects.get(code="OP"),
            effective_from=dt.date(2024, 1, 1),
        )
    message = refused.value.messages[0]
    assert "the OP offering at Site of 1 (001) from 2024-01-01 with no end date" in message
    assert f"from 2020-01-01 with no end date (offering #{existing.pk})" in message
    assert ServiceOffering.objects.filter(site=site).count() == 1


def test_an_offering_may_follow_the_day_after_the_previous_one_ends(make_provider, ops):
    site = make_provider(1).sites.get()
    current = ServiceOffering.objects.get(site=site)
    services.offering_update(
        acting_user=ops,
        offering=current,
        effective_from=current.effective_from,
        effective_to=dt.date(2025, 12, 31),
        min_age=0,
        max_age=120,
    )
    added = services.offering_add(
        acting_user=ops,
        site=site,
        level_of_care=current.level_of_care,
        effective_from=dt.date(2026, 1, 1),
        min_age=18,
    )
    assert added.history.get().history_user == ops
    with pytest.raises(ValidationError, match="would overlap"):
        services.offering_update(
            acting_user=ops,
            offering=current,
            effective_from=current.effective_from,
            effective_to=dt.date(2026, 1, 1),
            min_age=0,
            max_age=120,
        )


def test_termination_ends_the_provider_and_its_open_offerings_with_reason_and_user(
    make_provider, ops
):
    provider = make_provider(1, levels=("OP", "IOP"))
    services.provider_terminate(
        acting_user=ops, provider=provider, date=dt.date(2026, 6, 30), reason="Closed its doors"
    )
    provider.refresh_from_db()
    assert (provider.status, provider.termination_date) == (
        ProviderStatus.TERMINATED,
        dt.date(2026, 6, 30),
    )
    assert set(
        ServiceOffering.objects.filter(site__provider=provider).values_list(
            "effective_to", flat=True
        )
    ) == {dt.date(2026, 6, 30)}
    record = provider.history.first()
    assert record.history_user == ops
    assert record.history_change_reason == "Terminated: Closed its doors"


@pytest.mark.parametrize(
    ("date", "reason", "message"),
    [
        (dt.date(2014, 1, 1), "Moved", "before the effective date 2015-01-01"),
        (dt.date(2026, 1, 1), "  ", TERMINATION_REASON_REQUIRED),
    ],
)
def test_a_termination_needs_a_date_in_the_network_and_a_reason(
    make_provider, ops, date, reason, message
):
    provider = make_provider(1)
    with pytest.raises(ValidationError, match=message):
        services.provider_terminate(acting_user=ops, provider=provider, date=date, reason=reason)
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.ACTIVE


def test_an_edit_is_validated_and_keeps_history(make_provider, ops):
    first, second = make_provider(1), make_provider(2)
    with pytest.raises(ValidationError, match="Another provider already has this NPI"):
        services.provider_update(acting_user=ops, provider=second, npi=first.npi)
    with pytest.raises(ValidationError, match="valid check digit"):
        services.provider_update(acting_user=ops, provider=second, npi="1234567890")
    with pytest.raises(ValidationError, match="Use Terminate"):
        services.provider_update(acting_user=ops, provider=second, status="terminated")
    services.provider_update(acting_user=ops, provider=second, name="Second Clinic")
    second.refresh_from_db()
    assert second.name == "Second Clinic" and second.history.first().history_user == ops


def test_creating_a_provider_creates_its_staff_group_with_view_permission(ops, make_user, ref):
    provider = services.provider_create(
        acting_user=ops,
        npi=npi(9),
        medicaid_id="000000009",
        name="New Clinic",
        kind="clinic",
        effective_date=dt.date(2026, 1, 1),
    )
    member = make_user("provider_staff")
    member.groups.add(provider.staff_group)
    assert member.has_perm("providers.view_provider", provider)
    assert not make_user("provider_staff").has_perm("providers.view_provider", provider)


@pytest.fixture
def admin_of_a(make_user, make_provider):  # type: ignore[no-untyped-def]
    provider_a, provider_b = make_provider(1), make_provider(2, town="Stamford")
    admin = make_user("provider_admin", username="admin_a")
    ProviderStaff.objects.create(user=admin, provider=provider_a, is_admin=True)
    admin.groups.add(provider_a.staff_group)
    return admin, provider_a, provider_b


def test_a_provider_admin_invites_staff_to_its_own_organization(
    admin_of_a, client, django_capture_on_commit_callbacks
):
    admin, provider_a, _ = admin_of_a
    with django_capture_on_commit_callbacks(execute=True):
        link = services.staff_invite(
            acting_user=admin,
            provider=provider_a,
            email="New.Person@Clinic.example",
            first_name="New",
            last_name="Person",
        )
    user = link.user
    assert (user.username, user.has_usable_password()) == ("new.person@clinic.example", False)
    assert set(user.groups.values_list("name", flat=True)) == {
        "provider_staff",
        provider_a.staff_group.name,
    }
    assert list(providers_visible_to(user=user)) == [provider_a]
    (email,) = mail.outbox
    assert email.to == ["new.person@clinic.example"] and provider_a.name in email.body
    path = email.body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    assert client.get(path).status_code == 200
    answer = client.post(
        path, {"new_password1": "a long pass phrase 42", "new_password2": "a long pass phrase 42"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("login")
    assert b"not valid any more" in client.get(path).content  # one use only


def test_a_provider_admin_cannot_manage_another_organizations_staff(admin_of_a, make_user):
    admin, _, provider_b = admin_of_a
    with pytest.raises(PermissionDenied):
        services.staff_invite(
            acting_user=admin,
            provider=provider_b,
            email="x@b.example",
            first_name="X",
            last_name="B",
        )
    other = ProviderStaff.objects.create(user=make_user("provider_staff"), provider=provider_b)
    with pytest.raises(PermissionDenied):
        services.staff_deactivate(acting_user=admin, link=other)
    assert ProviderStaff.objects.get(pk=other.pk).active


def test_deactivation_ends_access_and_disables_an_account_left_with_no_organization(
    admin_of_a, make_user
):
    admin, provider_a, _provider_b = admin_of_a
    person = make_user("provider_staff")
    link = ProviderStaff.objects.create(user=person, provider=provider_a)
    person.groups.add(provider_a.staff_group)
    services.staff_deactivate(acting_user=admin, link=link)
    person.refresh_from_db()
    assert not person.is_active and not person.groups.filter(pk=provider_a.staff_group_id).exists()
    assert ProviderStaff.objects.get(pk=link.pk).history.first().history_user == admin
    with pytest.raises(ValidationError, match="your own account"):
        services.staff_deactivate(
            acting_user=admin, link=ProviderStaff.objects.get(user=admin, provider=provider_a)
        )


def test_a_person_working_for_two_organizations_keeps_the_other(admin_of_a, make_user, ops):
    admin, provider_a, provider_b = admin_of_a
    person = make_user("provider_staff", username="two@jobs.example")
    ProviderStaff.objects.create(user=person, provider=provider_b)
    link = services.staff_invite(
        acting_user=admin,
        provider=provider_a,
        email="two@jobs.example",
        first_name="T",
        last_name="J",
    )
    assert set(providers_visible_to(user=person)) == {provider_a, provider_b}
    services.staff_deactivate(acting_user=ops, link=link)
    person.refresh_from_db()
    assert person.is_active and list(providers_visible_to(user=person)) == [provider_b]
    with pytest.raises(ValidationError, match="not a provider account"):
        services.staff_invite(
            acting_user=admin,
            provider=provider_a,
            email=ops.username,
            first_name="O",
            last_name="O",
        )


def test_an_offering_cannot_start_after_its_provider_leaves_the_network(make_provider, ops):
    provider = make_provider(1)
    services.provider_terminate(
        acting_user=ops, provider=provider, date=dt.date(2026, 6, 30), reason="Merged"
    )
    with pytest.raises(ValidationError, match="after the provider's last day in the network"):
        services.offering_add(
            acting_user=ops,
            site=provider.sites.get(),
            level_of_care=LevelOfCare.objects.get(code="IOP"),
            effective_from=dt.date(2026, 7, 1),
        )
