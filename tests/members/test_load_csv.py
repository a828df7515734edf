"""CSV eligibility loads: adds, changes, terminations, full-file semantics, merges, duplicates, history."""

from __future__ import annotations

import datetime as dt

import pytest

from members.choices import LoadStatus
from members.models import EligibilityLoad, EligibilitySpan, Member
from tests.members.factories import MemberFactory, span, spans_of
from tests.members.loads import csv_file, row, run_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def load(ref, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(*rows: str, **kwargs):  # type: ignore[no-untyped-def]
        return run_load(django_capture_on_commit_callbacks, csv_file(*rows), **kwargs)

    return run


def test_a_first_file_adds_members_and_their_spans(load, make_user):
    user = make_user("data_ops")
    result = load(
        row("012345678", "HUSKY_A", "2024-01-01"),
        row("100000001", "HUSKY_B", "2025-01-01", "2025-12-31", last="Smith", first="Jo"),
        user=user,
    )
    assert result.status == LoadStatus.SUCCEEDED
    assert (result.rows_read, result.members_added, result.spans_added) == (2, 2, 2)
    ana = Member.objects.get(medicaid_id="012345678")
    assert (ana.last_name, ana.birth_date, ana.language, ana.town.name, ana.region_id) == (
        "Rivera",
        dt.date(1990, 4, 12),
        "es",
        "Hartford",
        ana.town.region_id,
    )
    assert spans_of(ana) == [("HUSKY_A", "2024-01-01", None)]


def test_every_write_of_a_load_has_a_history_row_naming_the_load_and_its_user(load, make_user):
    user = make_user("data_ops")
    result = load(row("012345678", "HUSKY_A", "2024-01-01"), user=user)
    ana = Member.objects.get(medicaid_id="012345678")
    member_history = ana.history.get()
    span_history = EligibilitySpan.history.get(member_id=ana.pk)
    for record in (member_history, span_history):
        assert (record.history_type, record.load_id, record.history_user_id) == (
            "+",
            result.pk,
            user.pk,
        )
        assert record.history_change_reason == f"eligibility load #{result.pk}"


def test_the_same_content_again_writes_nothing(load):
    rows = (
        row("012345678", "HUSKY_A", "2024-01-01"),
        row("012345678", "DCF_LB", "2020-01-01", "2020-06-30"),
    )
    load(*rows)
    history_before = EligibilitySpan.history.count() + Member.history.count()
    again = load(*reversed(rows), mode="full", as_of="2026-01-01")  # other bytes, same content
    assert again.status == LoadStatus.SUCCEEDED
    assert (again.members_added, again.members_changed) == (0, 0)
    assert (
        again.spans_added,
        again.spans_changed,
        again.spans_terminated,
        again.spans_removed,
    ) == (0, 0, 0, 0)
    assert EligibilitySpan.history.count() + Member.history.count() == history_before


def test_the_same_file_twice_is_refused_naming_the_earlier_load(
    ref, django_capture_on_commit_callbacks
):
    content = csv_file(row("012345678", "HUSKY_A", "2024-01-01"))
    first = run_load(django_capture_on_commit_callbacks, content, name="jan.csv")
    Member.objects.update(last_name="Edited")  # proves the second load does not touch anything
    second = run_load(django_capture_on_commit_callbacks, content, name="jan-again.csv")
    assert second.status == LoadStatus.DUPLICATE and second.duplicate_of == first
    assert (
        second.message
        == f"This file was already loaded (same content): load #{first.pk} of jan.csv."
    )
    assert Member.objects.get().last_name == "Edited" and second.job is None


def test_a_retroactive_termination_ends_the_span_as_stated(load):
    ana = MemberFactory(medicaid_id="012345678")
    span(ana, "HUSKY_A", "2020-01-01")
    result = load(row("012345678", "HUSKY_A", "2020-01-01", "2025-06-30"))
    assert spans_of(ana) == [("HUSKY_A", "2020-01-01", "2025-06-30")]
    assert (result.spans_terminated, result.spans_changed, result.spans_added) == (1, 0, 0)
    assert EligibilitySpan.history.filter(member_id=ana.pk).latest("history_id").history_type == "~"


def test_a_retroactive_earlier_start_moves_the_start(load):
    ana = MemberFactory(medicaid_id="012345678")
    kept = span(ana, "HUSKY_A", "2024-03-01")
    result = load(row("012345678", "HUSKY_A", "2023-11-01"))
    assert spans_of(ana) == [("HUSKY_A", "2023-11-01", None)]
    assert result.spans_changed == 1 and EligibilitySpan.objects.get().pk == kept.pk


def test_a_span_continuing_an_ended_one_merges_with_it(load):
    ana = MemberFactory(medicaid_id="012345678")
    span(ana, "HUSKY_A", "2020-01-01", "2024-12-31")
    load(row("012345678", "HUSKY_A", "2025-01-01"))
    assert spans_of(ana) == [("HUSKY_A", "2020-01-01", None)]


def test_overlapping_spans_in_one_file_are_merged(load):
    load(
        row("012345678", "HUSKY_A", "2024-01-01", "2024-06-30"),
        row("012345678", "HUSKY_A", "2024-05-01", "2024-09-30"),
        row("012345678", "HUSKY_A", "2024-10-01", "2024-12-31"),
        row("012345678", "HUSKY_A", "2025-02-01"),
    )
    assert spans_of(Member.objects.get()) == [
        ("HUSKY_A", "2024-01-01", "2024-12-31"),
        ("HUSKY_A", "2025-02-01", None),
    ]


def test_spans_merged_into_one_are_removed_keeping_the_earliest_row(load):
    ana = MemberFactory(medicaid_id="012345678")
    first = span(ana, "HUSKY_A", "2020-01-01", "2020-12-31")
    span(ana, "HUSKY_A", "2022-01-01")
    result = load(row("012345678", "HUSKY_A", "2020-01-01"))
    assert (
        spans_of(ana) == [("HUSKY_A", "2020-01-01", None)]
        and EligibilitySpan.objects.get().pk == first.pk
    )
    assert (result.spans_changed, result.spans_removed) == (1, 1)
    assert EligibilitySpan.history.filter(history_type="-", load=result).count() == 1


def test_a_delta_leaves_what_it_does_not_mention(load):
    ana, jo = MemberFactory(medicaid_id="012345678"), MemberFactory(medicaid_id="100000001")
    span(ana, "HUSKY_A", "2020-01-01")
    span(jo, "HUSKY_D", "2021-01-01")
    load(row("012345678", "DCF_LB", "2025-01-01"), as_of="2026-01-01")
    assert spans_of(ana) == [("DCF_LB", "2025-01-01", None), ("HUSKY_A", "2020-01-01", None)]
    assert spans_of(jo) == [("HUSKY_D", "2021-01-01", None)]


def test_a_full_file_ends_coverage_it_does_not_list_the_day_before_its_date(load):
    ana, jo = MemberFactory(medicaid_id="012345678"), MemberFactory(medicaid_id="100000001")
    span(ana, "HUSKY_A", "2020-01-01")
    span(ana, "DCF_LB", "2019-01-01", "2019-12-31")  # history: not open on the date, kept
    span(jo, "HUSKY_D", "2021-01-01")
    span(jo, "HUSKY_C", "2026-03-01")  # starts after the file's date and is not in it: withdrawn
    result = load(row("012345678", "HUSKY_A", "2020-01-01"), mode="full", as_of="2026-02-01")
    assert spans_of(ana) == [
        ("DCF_LB", "2019-01-01", "2019-12-31"),
        ("HUSKY_A", "2020-01-01", None),
    ]
    assert spans_of(jo) == [("HUSKY_D", "2021-01-01", "2026-01-31")]
    assert (result.spans_terminated, result.spans_removed) == (1, 1)


def test_a_full_file_switching_program_ends_the_old_one(load):
    ana = MemberFactory(medicaid_id="012345678")
    span(ana, "HUSKY_A", "2020-01-01")
    load(row("012345678", "HUSKY_D", "2026-01-01"), mode="full", as_of="2026-01-01")
    assert spans_of(ana) == [
        ("HUSKY_A", "2020-01-01", "2025-12-31"),
        ("HUSKY_D", "2026-01-01", None),
    ]


def test_changed_demographics_update_the_member_with_history(load, make_user):
    ana = MemberFactory(medicaid_id="012345678", last_name="Rivera", language="en")
    span(ana, "HUSKY_A", "2020-01-01")
    result = load(
        row("012345678", "HUSKY_A", "2020-01-01", last="Rivera-Lopez"), user=make_user("data_ops")
    )
    ana.refresh_from_db()
    assert (ana.last_name, ana.language, ana.town.name) == ("Rivera-Lopez", "es", "Hartford")
    assert result.members_changed == 1 and result.spans_changed == 0
    change = ana.history.latest("history_id")
    assert (change.history_type, change.load_id, change.last_name) == (
        "~",
        result.pk,
        "Rivera-Lopez",
    )


def test_coverage_as_recorded_before_a_load_can_be_rebuilt_from_history(load):
    load(row("012345678", "HUSKY_A", "2020-01-01"))
    first = EligibilityLoad.objects.get()
    load(row("012345678", "HUSKY_A", "2020-01-01", "2025-06-30"))
    member = Member.objects.get()
    then = EligibilitySpan.history.as_of(first.finished_at).filter(member_id=member.pk)
    assert [(s.start, s.end) for s in then] == [(dt.date(2020, 1, 1), None)]
    assert spans_of(member) == [("HUSKY_A", "2020-01-01", "2025-06-30")]
