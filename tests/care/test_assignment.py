"""ICM assignment through the services: supervisors, the automatic mode, refusals, overrides,
transfer, closure and contact notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from care.choices.icm import CandidateStatus, ClosedReason
from care.models import ContactNote, IcmAssignment, IcmCandidate
from care.rules import ALREADY_ASSIGNED, NOT_ICM, OVER_CAP
from care.services.icm_assignment import (
    CANDIDATE_DECIDED,
    DISMISS_NEEDS_REASON,
    NOT_ALLOWED,
    OVERRIDE_NEEDS_REASON,
    IcmRefused,
    icm_assign_automatic,
    icm_candidate_assign,
    icm_candidate_dismiss,
)
from care.services.icm_caseload import (
    CLOSE_NEEDS_NOTE,
    CONTACT_BEFORE_START,
    CONTACT_IN_FUTURE,
    NOT_YOURS,
    SAME_ICM,
    contact_note_add,
    icm_assignment_close,
    icm_assignment_transfer,
)
from tests.care.conftest import AS_OF, days_before

pytestmark = pytest.mark.django_db


def candidate(scene, *, region="R4", language="en", triggers=("LONG_STAY",), as_of=AS_OF):  # type: ignore[no-untyped-def]
    member = scene.member(region=region, language=language)
    return IcmCandidate.objects.create(
        member=member,
        as_of=as_of,
        last_seen=as_of,
        triggers=list(triggers),
        evidence={t: [1] for t in triggers},
    )


def fill(scene, icm, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        IcmAssignment.objects.create(
            member=scene.member(), icm=icm, start=days_before(30), source="supervisor"
        )


def assign(supervisor, cand, icm, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("on", AS_OF)
    return icm_candidate_assign(
        acting_user=supervisor, candidate_id=cand.pk, icm_user=icm, **kwargs
    )


# --- a supervisor's choice ----------------------------------------------------------------


def test_a_supervisor_assigns_a_candidate_and_the_fit_is_recorded(scene, supervisor):
    icm = scene.icm(regions=("R4",), languages=("en", "es"))
    cand = candidate(scene, language="es")
    assignment = assign(supervisor, cand, icm, reason="Knows the family")
    cand.refresh_from_db()
    assert assignment.icm == icm and assignment.start == AS_OF and assignment.end is None
    assert assignment.reason_codes == ["supervisor", "same_region", "shared_language"]
    assert (assignment.source, assignment.over_cap, assignment.reason) == (
        "supervisor",
        False,
        "Knows the family",
    )
    assert (cand.status, cand.decided_by) == (CandidateStatus.ASSIGNED, supervisor)
    assert assignment.history.get().history_user == supervisor


def test_a_user_who_is_not_an_icm_is_refused_and_nothing_is_written(scene, supervisor):
    cand = candidate(scene)
    care_manager = scene.make_user("care_manager")
    with pytest.raises(IcmRefused) as refused:
        assign(supervisor, cand, care_manager)
    assert refused.value.messages == (NOT_ICM,)
    cand.refresh_from_db()
    assert cand.status == CandidateStatus.OPEN and not IcmAssignment.objects.exists()


def test_an_inactive_icm_account_is_not_an_icm(scene, supervisor):
    icm = scene.icm()
    icm.is_active = False
    icm.save()
    with pytest.raises(IcmRefused, match="not an intensive care manager"):
        assign(supervisor, candidate(scene), icm)


def test_over_the_cap_is_refused_without_an_override(scene, supervisor):
    icm = scene.icm(cap=2)
    fill(scene, icm, 2)
    cand = candidate(scene)
    with pytest.raises(IcmRefused) as refused:
        assign(supervisor, cand, icm, reason="Has history with the member")
    assert refused.value.messages == (OVER_CAP.format(caseload=2, cap=2),)
    with pytest.raises(IcmRefused) as refused:
        assign(supervisor, cand, icm, override_cap=True)
    assert refused.value.messages == (OVERRIDE_NEEDS_REASON,)
    assert IcmAssignment.objects.filter(icm=icm).count() == 2


def test_a_supervisor_override_with_a_reason_goes_over_the_cap_and_says_so(scene, supervisor):
    icm = scene.icm(cap=2)
    fill(scene, icm, 2)
    assignment = assign(
        supervisor, candidate(scene), icm, reason="Only Polish speaker", override_cap=True
    )
    assert assignment.over_cap and assignment.reason == "Only Polish speaker"
    assert assignment.reason_codes[-1] == "over_cap"


def test_the_default_cap_is_the_dated_45_unless_the_profile_says_otherwise(scene, supervisor):
    icm = scene.icm()
    fill(scene, icm, 45)
    with pytest.raises(IcmRefused, match=r"already has 45 members \(cap 45\)"):
        assign(supervisor, candidate(scene), icm)


def test_a_member_already_assigned_is_refused(scene, supervisor):
    first, second = scene.icm(), scene.icm()
    cand = candidate(scene)
    IcmAssignment.objects.create(
        member=cand.member, icm=first, start=days_before(10), source="supervisor"
    )
    with pytest.raises(IcmRefused) as refused:
        assign(supervisor, cand, second)
    assert refused.value.codes == ("already_assigned",)
    assert refused.value.messages == (ALREADY_ASSIGNED,)


def test_the_database_allows_one_active_assignment_per_member(scene):
    icm, member = scene.icm(), scene.member()
    IcmAssignment.objects.create(member=member, icm=icm, start=AS_OF, source="supervisor")
    second = IcmAssignment(member=member, icm=icm, start=AS_OF, source="automatic")
    with pytest.raises(ValidationError) as invalid:
        second.validate_constraints()
    assert invalid.value.messages == [ALREADY_ASSIGNED]
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    names = {c.name for c in IcmAssignment._meta.constraints}
    assert "icm_assignment_one_active_per_member" in names


def test_only_supervisors_assign_or_dismiss_and_a_decision_is_final(scene, supervisor):
    icm, cand = scene.icm(), candidate(scene)
    with pytest.raises(IcmRefused, match=NOT_ALLOWED):
        assign(icm, cand, icm)
    assign(supervisor, cand, icm)
    with pytest.raises(IcmRefused, match=CANDIDATE_DECIDED):
        icm_candidate_dismiss(acting_user=supervisor, candidate_id=cand.pk, reason="x")


def test_a_dismissal_needs_a_reason(scene, supervisor):
    cand = candidate(scene)
    with pytest.raises(IcmRefused, match=DISMISS_NEEDS_REASON):
        icm_candidate_dismiss(acting_user=supervisor, candidate_id=cand.pk, reason="  ")
    icm_candidate_dismiss(acting_user=supervisor, candidate_id=cand.pk, reason="In ACT already")
    cand.refresh_from_db()
    assert (cand.status, cand.dismissal_reason) == ("dismissed", "In ACT already")


# --- the automatic mode -------------------------------------------------------------------


def auto(supervisor):  # type: ignore[no-untyped-def]
    return icm_assign_automatic(acting_user=supervisor, on=AS_OF)


def icm_of(cand) -> object:  # type: ignore[no-untyped-def]
    return IcmAssignment.objects.get(member=cand.member, end__isnull=True).icm


def test_automatic_prefers_the_members_region(scene, supervisor):
    east, west = scene.icm(regions=("R3",)), scene.icm(regions=("R5",))
    cand = candidate(scene, region="R5")
    auto(supervisor)
    assert icm_of(cand) == west != east
    assignment = IcmAssignment.objects.get(member=cand.member)
    assert assignment.source == "automatic" and assignment.reason_codes[0] == "same_region"


def test_automatic_prefers_a_shared_language_within_the_region(scene, supervisor):
    scene.icm(regions=("R4",), languages=("en",))
    spanish = scene.icm(regions=("R4",), languages=("en", "es"))
    cand = candidate(scene, region="R4", language="es")
    auto(supervisor)
    assert icm_of(cand) == spanish


def test_automatic_keeps_continuity_with_a_past_icm(scene, supervisor):
    past = scene.icm(regions=("R4",))
    scene.icm(regions=("R4",))
    cand = candidate(scene)
    IcmAssignment.objects.create(
        member=cand.member,
        icm=past,
        start=days_before(400),
        end=days_before(200),
        closed_reason=ClosedReason.GOALS_MET,
        source="supervisor",
    )
    fill(scene, past, 5)  # heavier than the other ICM: continuity still wins
    auto(supervisor)
    assignment = IcmAssignment.objects.get(member=cand.member, end__isnull=True)
    assert assignment.icm == past and assignment.reason_codes[0] == "continuity"


def test_automatic_breaks_ties_by_the_lightest_caseload_and_spreads_a_batch(scene, supervisor):
    busy, light = scene.icm(), scene.icm()
    fill(scene, busy, 3)
    cands = [candidate(scene) for _ in range(4)]
    auto(supervisor)
    counts = [IcmAssignment.objects.filter(icm=u, end__isnull=True).count() for u in (busy, light)]
    assert counts == [4, 3]  # light fills to 3, then the tie goes by user id
    assert "lightest_caseload" in IcmAssignment.objects.get(member=cands[0].member).reason_codes


def test_automatic_never_goes_over_a_cap_and_leaves_the_rest_open(scene, supervisor):
    scene.icm(cap=2)
    scene.icm(cap=1, accepting=False)
    cands = [candidate(scene, triggers=("LONG_STAY",) * 1) for _ in range(3)]
    neediest = candidate(scene, triggers=("LONG_STAY", "READMIT_30"))
    result = auto(supervisor)
    assert (result.assigned, result.left_open) == (2, 2)
    assert IcmCandidate.objects.get(pk=neediest.pk).status == CandidateStatus.ASSIGNED
    assert IcmCandidate.objects.filter(pk__in=[c.pk for c in cands], status="open").count() == 2


# --- transfer, closure, contact notes ------------------------------------------------------


@pytest.fixture
def active(scene, supervisor):  # type: ignore[no-untyped-def]
    return assign(supervisor, candidate(scene), scene.icm())


def test_a_transfer_ends_the_old_assignment_and_opens_one_with_the_new_icm(
    scene, supervisor, active
):
    other = scene.icm()
    new = icm_assignment_transfer(
        acting_user=supervisor,
        assignment_id=active.pk,
        to_icm=other,
        reason="Member moved to Hartford",
        on=AS_OF + dt.timedelta(days=3),
    )
    active.refresh_from_db()
    assert (active.end, active.closed_reason) == (AS_OF + dt.timedelta(days=3), "transferred")
    assert (new.icm, new.source, new.previous, new.start) == (other, "transfer", active, active.end)
    assert new.candidate == active.candidate


def test_a_transfer_to_the_same_icm_or_over_a_cap_is_refused(scene, supervisor, active):
    with pytest.raises(IcmRefused, match=SAME_ICM):
        icm_assignment_transfer(
            acting_user=supervisor, assignment_id=active.pk, to_icm=active.icm, reason="x"
        )
    full = scene.icm(cap=1)
    fill(scene, full, 1)
    with pytest.raises(IcmRefused, match="give a reason to go over the cap"):
        icm_assignment_transfer(
            acting_user=supervisor, assignment_id=active.pk, to_icm=full, reason="Closer"
        )
    active.refresh_from_db()
    assert active.end is None  # the failed transfer ended nothing


def test_an_icm_closes_its_own_assignment_with_a_reason(active):
    with pytest.raises(IcmRefused, match=CLOSE_NEEDS_NOTE):
        icm_assignment_close(acting_user=active.icm, assignment_id=active.pk, closed_reason="other")
    closed = icm_assignment_close(
        acting_user=active.icm, assignment_id=active.pk, closed_reason="goals_met", on=AS_OF
    )
    assert (closed.end, closed.closed_reason, closed.closed_by) == (AS_OF, "goals_met", active.icm)


def test_another_icm_cannot_close_or_write_notes_on_someone_elses_member(scene, active):
    other = scene.icm()
    with pytest.raises(IcmRefused, match=NOT_YOURS):
        icm_assignment_close(acting_user=other, assignment_id=active.pk, closed_reason="declined")
    with pytest.raises(IcmRefused, match=NOT_YOURS):
        contact_note_add(
            acting_user=other,
            assignment_id=active.pk,
            occurred_at=timezone.now(),
            channel="phone",
            note="Called",
        )


def test_contact_notes_are_kept_with_their_author(active):
    when = timezone.now() - dt.timedelta(hours=2)
    note = contact_note_add(
        acting_user=active.icm,
        assignment_id=active.pk,
        occurred_at=when,
        channel="phone",
        note="Reached mother; appointment Tuesday",
    )
    assert (note.author, note.occurred_at, note.assignment) == (active.icm, when, active)


def test_a_bad_contact_note_lists_every_problem_and_saves_nothing(scene, supervisor):
    assignment = assign(supervisor, candidate(scene), scene.icm(), on=timezone.localdate())
    with pytest.raises(IcmRefused) as refused:
        contact_note_add(
            acting_user=assignment.icm,
            assignment_id=assignment.pk,
            occurred_at=timezone.now() + dt.timedelta(days=1),
            channel="pigeon",
            note=" ",
        )
    assert set(refused.value.codes) == {"channel", "note", "future"}
    assert CONTACT_IN_FUTURE in refused.value.messages
    with pytest.raises(IcmRefused, match="before the assignment started"):
        contact_note_add(
            acting_user=assignment.icm,
            assignment_id=assignment.pk,
            occurred_at=timezone.now() - dt.timedelta(days=3),
            channel="phone",
            note="Before",
        )
    assert CONTACT_BEFORE_START.startswith("The contact is before")
    assert not ContactNote.objects.exists()
