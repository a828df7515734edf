"""ICM identification through the service, the Job, the command and the nightly task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from aso.core.choices import JobStatus
from aso.core.models import Job
from care.choices.icm import CandidateStatus, ReferralStatus
from care.models import IcmAssignment, IcmCandidate, IcmTrigger
from care.services.icm_assignment import icm_candidate_dismiss
from care.services.icm_caseload import icm_referral_create
from care.services.icm_frames import NO_TRIGGERS
from care.services.icm_identification import JOB_KIND, icm_candidates_identify
from care.tasks import icm_identify_nightly_task
from tests.care.conftest import AS_OF, Scene, days_before

pytestmark = pytest.mark.django_db


def identify(day: dt.date = AS_OF):  # type: ignore[no-untyped-def]
    return icm_candidates_identify(as_of=day)


def candidate_of(member) -> IcmCandidate:  # type: ignore[no-untyped-def]
    return IcmCandidate.objects.get(member=member, status=CandidateStatus.OPEN)


def _repeat(s: Scene, m) -> None:  # type: ignore[no-untyped-def]
    for n in (200, 120, 40):
        s.stay(m, "IP_PSY", days_before(n), days_before(n - 5))


def _readmit(s: Scene, m) -> None:  # type: ignore[no-untyped-def]
    s.stay(m, "IP_PSY", days_before(100), days_before(90))
    s.stay(m, "IP_DETOX", days_before(60), days_before(57), dx="F32.1")


def _delay(s: Scene, m) -> None:  # type: ignore[no-untyped-def]
    s.stay(m, "IP_PSY", days_before(50), days_before(40), delay=3)


def _long(s: Scene, m) -> None:  # type: ignore[no-untyped-def]
    s.stay(m, "IP_PSY", days_before(45), None)


def _placement(s: Scene, m) -> None:  # type: ignore[no-untyped-def]
    s.stay(m, "PRTF", days_before(100), None)


def _co_occurring(s: Scene, m) -> None:  # type: ignore[no-untyped-def]
    s.request(m, "PHP", ["F33.1", "F11.20"], days_before(20))


def _referral(s: Scene, m) -> None:  # type: ignore[no-untyped-def]
    referrer = s.make_user("care_manager")
    icm_referral_create(acting_user=referrer, medicaid_id=m.medicaid_id, reason="Three ED visits")


SCENARIOS: dict[str, Callable[[Scene, object], None]] = {
    "REPEAT_ADMITS": _repeat,
    "READMIT_30": _readmit,
    "DISCHARGE_DELAY": _delay,
    "LONG_STAY": _long,
    "PLACEMENT": _placement,
    "CO_OCCURRING": _co_occurring,
    "REFERRAL": _referral,
}


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_each_trigger_makes_a_candidate_with_its_evidence(scene, code):
    member, bystander = scene.member(), scene.member()
    SCENARIOS[code](scene, member)
    scene.stay(bystander, "IP_PSY", days_before(10), days_before(5))
    result = identify()
    candidate = candidate_of(member)
    assert candidate.triggers == [code]
    assert candidate.evidence[code]
    assert candidate.as_of == candidate.last_seen == AS_OF
    assert candidate.rule_ids and set(candidate.rule_ids) <= set(
        IcmTrigger.objects.values_list("pk", flat=True)
    )
    assert not IcmCandidate.objects.filter(member=bystander).exists()
    assert (result.identified, result.created, result.by_trigger) == (1, 1, {code: 1})


def test_the_evidence_names_the_stays_and_codes_that_met_each_trigger(scene):
    member = scene.member()
    first = scene.stay(member, "IP_PSY", days_before(100), days_before(90), dx="F20.9")
    again = scene.stay(member, "IP_DETOX", days_before(70), days_before(66), dx="F10.239")
    identify()
    assert candidate_of(member).evidence == {
        "CO_OCCURRING": ["F10.239", "F20.9"],
        "READMIT_30": [first.pk, again.pk],
    }


@pytest.mark.parametrize(("gap", "hit"), [(30, True), (31, False)])
def test_a_readmission_counts_up_to_day_30_through_the_service(scene, gap, hit):
    member = scene.member()
    scene.stay(member, "IP_PSY", days_before(100), days_before(90))
    scene.stay(member, "IP_PSY", days_before(90 - gap), days_before(90 - gap - 3))
    identify()
    assert IcmCandidate.objects.filter(member=member).exists() is hit


def test_outpatient_diagnoses_alone_are_not_co_occurring(scene):
    member = scene.member()
    scene.request(member, "OP", ["F33.1", "F10.20"], days_before(20))
    assert identify().identified == 0


def test_a_second_run_on_the_same_day_changes_nothing(scene):
    members = [scene.member() for _ in range(3)]
    _long(scene, members[0])
    _repeat(scene, members[1])
    _referral(scene, members[2])
    first = identify()
    before = list(IcmCandidate.objects.order_by("pk").values())
    history = IcmCandidate.history.count()
    second = identify()
    assert (first.created, second.created, second.updated, second.lapsed) == (3, 0, 0, 0)
    assert second.confirmed == 3
    assert list(IcmCandidate.objects.order_by("pk").values()) == before
    assert IcmCandidate.history.count() == history


def test_the_next_day_moves_last_seen_and_updates_changed_evidence_only(scene):
    steady, growing = scene.member(), scene.member()
    _long(scene, steady)
    _long(scene, growing)
    identify()
    scene.stay(growing, "PRTF", days_before(0), None)
    result = identify(AS_OF + dt.timedelta(days=1))
    assert (result.created, result.updated, result.confirmed) == (0, 1, 1)
    assert candidate_of(steady).last_seen == AS_OF + dt.timedelta(days=1)
    assert candidate_of(steady).as_of == AS_OF
    assert candidate_of(growing).triggers == ["LONG_STAY", "PLACEMENT"]


def test_members_with_an_active_icm_or_without_coverage_are_not_candidates(scene):
    assigned, uncovered = scene.member(), scene.member(covered=False)
    for member in (assigned, uncovered):
        _long(scene, member)
    IcmAssignment.objects.create(
        member=assigned, icm=scene.icm(), start=days_before(200), source="supervisor"
    )
    assert identify().identified == 0


def test_a_candidate_no_longer_identified_lapses_with_a_reason(scene):
    member = scene.member()
    scene.stay(member, "IP_PSY", days_before(330), days_before(300), delay=2)
    identify()
    result = identify(AS_OF + dt.timedelta(days=90))
    candidate = IcmCandidate.objects.get(member=member)
    assert result.lapsed == 1
    assert candidate.status == CandidateStatus.DISMISSED
    assert "No longer identified" in candidate.dismissal_reason
    assert candidate.decided_by is None


def test_a_dismissed_member_comes_back_only_on_new_evidence(scene, supervisor):
    member = scene.member()
    _delay(scene, member)
    identify()
    icm_candidate_dismiss(
        acting_user=supervisor, candidate_id=candidate_of(member).pk, reason="Engaged in ACT team"
    )
    assert identify(AS_OF + dt.timedelta(days=1)).held_back == 1
    assert not IcmCandidate.objects.filter(member=member, status="open").exists()
    scene.stay(member, "IP_PSY", days_before(10), None, delay=2)  # a new delayed stay
    identify(AS_OF + dt.timedelta(days=2))
    assert candidate_of(member).as_of == AS_OF + dt.timedelta(days=2)


def test_a_decision_closes_the_members_open_referral(scene, supervisor):
    member = scene.member()
    _referral(scene, member)
    identify()
    icm_candidate_dismiss(
        acting_user=supervisor, candidate_id=candidate_of(member).pk, reason="Declined by phone"
    )
    assert member.icm_referrals.get().status == ReferralStatus.CLOSED


def test_the_command_runs_through_a_job_and_reports_counts(scene, capsys):
    _long(scene, scene.member())
    call_command("identify_icm_candidates", "--as-of", AS_OF.isoformat())
    job = Job.objects.get(kind=JOB_KIND)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["created"] == 1 and job.counts["identified"] == 1
    assert "1 members meet a trigger on 2026-03-31" in capsys.readouterr().out
    call_command("identify_icm_candidates", "--as-of", AS_OF.isoformat())
    assert Job.objects.filter(kind=JOB_KIND).latest("pk").result["created"] == 0


def test_the_command_can_assign_automatically(scene):
    scene.icm(regions=("R4",))
    _long(scene, scene.member(region="R4"))
    call_command("identify_icm_candidates", "--as-of", AS_OF.isoformat(), "--auto-assign")
    assert IcmAssignment.objects.filter(source="automatic").count() == 1


def test_the_nightly_task_is_scheduled_by_beat_and_runs_a_job(scene):
    task = PeriodicTask.objects.get(task="care.icm_identify_nightly")
    assert task.enabled and task.crontab.timezone.key == "America/New_York"
    _placement(scene, scene.member())
    job = Job.objects.get(pk=icm_identify_nightly_task(AS_OF.isoformat()))
    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 1


def test_no_trigger_in_force_fails_the_job_with_a_clear_message(scene):
    IcmTrigger.objects.update(effective_to=dt.date(2020, 1, 1))
    with pytest.raises(ValueError, match="No ICM trigger is in force"):
        identify()
    job = Job.objects.get(pk=icm_identify_nightly_task(AS_OF.isoformat()))
    assert job.status == JobStatus.FAILED
    assert job.error == NO_TRIGGERS.format(day=AS_OF.isoformat())
