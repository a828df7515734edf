import pytest
from django.contrib.auth.models import Group

from aso.core.roles import ROLE_CODES, ROLES, Role
from aso.core.services import UnknownPermissionError, roles_sync


@pytest.mark.django_db
def test_every_role_is_a_group_named_by_its_code_with_exactly_its_permissions(ref):
    for role in ROLES:
        group = Group.objects.get(name=role.code)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(role.permissions), role.code


@pytest.mark.django_db
def test_a_second_sync_changes_nothing(ref):
    assert not roles_sync().changed


@pytest.mark.django_db
def test_sync_restores_a_permission_removed_by_hand_and_revokes_one_added(ref):
    group = Group.objects.get(name="care_manager")
    group.permissions.remove(*group.permissions.filter(codename="review_request"))
    extra = Group.objects.get(name="physician_advisor").permissions.get(codename="decide_adverse")
    group.permissions.add(extra)
    result = roles_sync()
    assert "care_manager: authorizations.review_request" in result.added
    assert "care_manager: authorizations.decide_adverse" in result.removed
    assert not group.permissions.filter(codename="decide_adverse").exists()


@pytest.mark.django_db
def test_a_role_naming_a_missing_permission_fails_and_changes_nothing(ref):
    before = Group.objects.count()
    with pytest.raises(UnknownPermissionError, match="members.fly_to_the_moon"):
        roles_sync(
            roles=(*ROLES, Role("astronaut", "Astronaut", False, "", ("members.fly_to_the_moon",)))
        )
    assert Group.objects.count() == before
    assert not Group.objects.filter(name="astronaut").exists()


def test_role_codes_match_the_design_table():
    assert ROLE_CODES == (
        "provider_staff",
        "provider_admin",
        "care_manager",
        "physician_advisor",
        "icm",
        "clinical_supervisor",
        "network_manager",
        "network_ops",
        "data_ops",
        "agency_viewer",
        "admin",
        "member_services",
        "vcm_coordinator",
        "agency_referrer",
    )


def test_only_physician_advisors_may_decide_adversely():
    holders = {r.code for r in ROLES if "authorizations.decide_adverse" in r.permissions}
    assert holders == {"physician_advisor"}
