"""The eligibility doors other apps use: by member, and by id + date of birth."""

from __future__ import annotations

import datetime as dt

import pytest

from members.choices import EligibilityReason
from members.selectors import eligibility_check, eligibility_on, members_visible_to
from tests.members.factories import MemberFactory, span

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def ana(ref):  # type: ignore[no-untyped-def]
    member = MemberFactory(medicaid_id="012345678", birth_date=D(1990, 4, 12))
    span(member, "HUSKY_A", "2024-01-01", "2025-03-31")
    span(member, "HUSKY_D", "2025-04-01")
    return member


def test_eligibility_on_answers_for_a_known_member_in_one_query(ana, django_assert_num_queries):
    with django_assert_num_queries(1):
        answer = eligibility_on(member=ana, on=D(2025, 6, 1))
    assert answer.eligible and answer.program_code == "HUSKY_D"
    assert answer.span is not None and answer.span.start == D(2025, 4, 1)
    assert eligibility_on(member=ana, on=D(2024, 6, 1)).program_code == "HUSKY_A"
    assert eligibility_on(member=ana, on=D(2023, 6, 1)).reason == EligibilityReason.NO_COVERAGE


def test_a_check_with_id_and_date_of_birth_finds_the_span_in_two_queries(
    ana, django_assert_num_queries
):
    with django_assert_num_queries(2):
        answer = eligibility_check(
            medicaid_id=" 012345678 ", birth_date=D(1990, 4, 12), on=D(2025, 2, 1)
        )
    assert answer.eligible and answer.program_code == "HUSKY_A" and answer.member_id == ana.pk


def test_a_wrong_date_of_birth_answers_exactly_like_an_unknown_id(ana, django_assert_num_queries):
    with django_assert_num_queries(1):
        mismatch = eligibility_check(
            medicaid_id="012345678", birth_date=D(1990, 4, 13), on=D(2025, 2, 1)
        )
    with django_assert_num_queries(1):
        unknown = eligibility_check(
            medicaid_id="999999999", birth_date=D(1990, 4, 12), on=D(2025, 2, 1)
        )
    assert mismatch == unknown
    assert mismatch.reason == EligibilityReason.NOT_FOUND and mismatch.member_id is None


def test_leading_zeros_matter(ana):
    answer = eligibility_check(medicaid_id="12345678", birth_date=D(1990, 4, 12), on=D(2025, 2, 1))
    assert answer.reason == EligibilityReason.NOT_FOUND


def test_only_staff_with_member_data_permission_see_members(ana, make_user):
    assert list(members_visible_to(user=make_user("care_manager"))) == [ana]
    for role in ("provider_staff", "agency_viewer", "data_ops", "network_manager"):
        assert not members_visible_to(user=make_user(role)).exists()
