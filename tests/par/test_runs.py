"""Scoring runs against the database: hand-computed numbers, reproducibility, immutability, no data."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aso.core.jobs import job_run
from aso.core.models import Job
from par import running
from par.models import (
    ClaimLine,
    ClaimsLoad,
    ImmutableRunError,
    ProviderScore,
    ScoreCase,
    ScoreRun,
    StatewideScore,
)
from par.rules import period_from_label
from par.services import score_run_execute, score_run_start

pytestmark = pytest.mark.django_db

Q1 = period_from_label("2026Q1")


def claim(world, member: int, day: str, level: str = "OP", site: str = "c", cid: str = "") -> None:
    batch = ClaimsLoad.objects.get_or_create(file_name="test", sha256="0" * 64)[0]
    provider = world.sites[site].provider
    ClaimLine.objects.create(
        load=batch,
        claim_id=cid or f"K{ClaimLine.objects.count() + 1}",
        line=1,
        member=world.members[member],
        provider=provider,
        site=world.sites[site],
        service_from=dt.date.fromisoformat(day),
        service_to=dt.date.fromisoformat(day),
        procedure_code="90834",
        paid_date=dt.date.fromisoformat(day),
        level_of_care=level,
    )


@pytest.fixture
def q1_world(par_world):  # type: ignore[no-untyped-def]
    w = par_world
    w.extra["e1"] = w.episode(0, "2026-01-02", "2026-01-10", delay=2)  # adult, A
    w.extra["e2"] = w.episode(1, "2026-02-01", "2026-02-05")  # adolescent, DCF, A
    w.extra["e3"] = w.episode(1, "2026-02-08", "2026-02-12", site="b")  # readmitted, at B
    claim(w, 0, "2026-01-10")  # the discharge day: not a follow-up
    claim(w, 0, "2026-01-12")  # day 2: follow-up within 7 days
    claim(w, 1, "2026-02-20", level="ED", site="b")  # ED return 8 days after e3
    return w


def run(period=Q1) -> ScoreRun:  # type: ignore[no-untyped-def]
    return score_run_execute(run=score_run_start(acting_user=None, period=period))


def score(run_: ScoreRun, code: str, provider, split: str = "all") -> ProviderScore:  # type: ignore[no-untyped-def]
    return ProviderScore.objects.get(run=run_, measure__code=code, provider=provider, split=split)


def test_scores_match_hand_computed_numbers(q1_world):
    w, result = q1_world, run()
    assert result.status == "succeeded" and len(result.input_hash) == 64
    discharges = score(result, "IP_DISCHARGES", w.hospital_a)
    assert (discharges.numerator, discharges.denominator, discharges.value) == (2, 2, 2)
    assert discharges.statewide_value == 1.5  # counts: mean per provider with cases (2 and 1)
    alos = score(result, "IP_ALOS", w.hospital_a)
    assert (alos.value, alos.suppressed, alos.percentile, alos.met_target) == (
        6.0,
        True,
        None,
        None,
    )
    readmit = score(result, "READMIT_7", w.hospital_a)
    assert (readmit.numerator, readmit.denominator, readmit.value) == (1, 2, 50.0)
    state = StatewideScore.objects.get(run=result, measure__code="READMIT_7", split="all")
    assert (state.numerator, state.denominator, state.providers) == (1, 3, 2)
    assert state.value == pytest.approx(100 / 3)
    fuh = {
        s.provider_id: (s.numerator, s.denominator)
        for s in ProviderScore.objects.filter(run=result, measure__code="FUH_7", split="all")
    }
    assert fuh == {w.hospital_a.pk: (1, 1), w.hospital_b.pk: (0, 1)}  # e2 is not the last discharge
    ed30 = score(result, "ED_RETURN_30", w.hospital_b)
    assert (ed30.numerator, ed30.denominator) == (1, 1)
    assert score(result, "READMIT_7", w.hospital_a, "dcf").denominator == 1
    assert score(result, "READMIT_7", w.hospital_a, "adolescent").numerator == 1


def test_the_cases_behind_each_score_are_kept(q1_world):
    w, result = q1_world, run()
    cases = ScoreCase.objects.filter(run=result, measure__code="READMIT_7", provider=w.hospital_a)
    rows = sorted((c.episode_id, c.case_ref, c.numerator, c.age_group, c.dcf) for c in cases)
    assert rows == [
        (w.e1.pk, str(w.e1.pk), 0.0, "adult", False),
        (w.e2.pk, str(w.e2.pk), 1.0, "adolescent", True),
    ]
    total = sum(
        ProviderScore.objects.filter(run=result, split="all").values_list("denominator", flat=True)
    )
    assert ScoreCase.objects.filter(run=result).count() == total


def test_a_rerun_with_the_same_inputs_gives_identical_numbers(q1_world):
    first, second = run(), run()
    assert first.pk != second.pk and first.input_hash == second.input_hash

    def numbers(r: ScoreRun) -> list:
        return list(
            ProviderScore.objects.filter(run=r)
            .order_by("measure_id", "provider_id", "split")
            .values_list(
                "measure_id",
                "provider_id",
                "split",
                "numerator",
                "denominator",
                "value",
                "statewide_value",
                "percentile",
                "met_target",
                "suppressed",
            )
        )

    assert numbers(first) == numbers(second) and numbers(first)
    claim(q1_world, 1, "2026-02-14", site="c")  # a new follow-up visit changes the inputs
    third = run()
    assert third.input_hash != first.input_hash
    assert score(third, "FUH_7", q1_world.hospital_b).numerator == 1


def test_a_finished_run_and_its_scores_never_change(q1_world):
    result = run()
    result.label = "edited"
    with pytest.raises(ImmutableRunError):
        result.save()
    stored = ProviderScore.objects.filter(run=result).first()
    stored.value = 99
    with pytest.raises(ImmutableRunError):
        stored.save()
    with pytest.raises(ImmutableRunError):
        score_run_execute(run=ScoreRun.objects.get(pk=result.pk))
    assert ScoreRun.objects.get(pk=result.pk).label == "2026Q1"


def test_a_period_without_data_gives_an_empty_run_not_an_error(q1_world):
    result = run(period_from_label("2019Q2"))
    assert result.status == "succeeded"
    assert result.counts["scores"] == 0 and result.counts["cases"] == 0
    assert not ProviderScore.objects.filter(run=result).exists()


def test_a_failing_run_is_marked_failed_and_writes_no_scores(q1_world, monkeypatch):
    def broken(cases, spec):  # type: ignore[no-untyped-def]
        raise ValueError("measure blew up")

    monkeypatch.setattr(running, "score_measure", broken)
    started = score_run_start(acting_user=None, period=Q1)
    with pytest.raises(ValueError, match="blew up"):
        score_run_execute(run=started)
    failed = ScoreRun.objects.get(pk=started.pk)
    assert failed.status == "failed" and "measure blew up" in failed.error
    assert not ProviderScore.objects.filter(run=failed).exists()


def test_run_par_command_runs_through_a_job(q1_world):
    out = StringIO()
    call_command("run_par", "--period", "2026Q1", stdout=out)
    job = Job.objects.get(kind="par_run")
    created = ScoreRun.objects.get()
    assert job.status == "succeeded" and job.result["run"] == created.pk
    assert created.job == job and created.period_kind == "quarter"
    assert f"PAR run {created.pk} for 2026Q1" in out.getvalue()
    call_command("run_par", "--start", "2026-01-01", "--end", "2026-03-31", stdout=StringIO())
    assert ScoreRun.objects.order_by("-pk").first().label == "2026Q1"


def test_a_retried_job_picks_up_the_run_its_killed_attempt_left_running(q1_world):
    job = Job.objects.create(kind="par_run", params={"label": "2026Q1"})
    interrupted = score_run_start(acting_user=None, period=Q1, job=job)  # the worker died here
    assert not ProviderScore.objects.filter(run=interrupted).exists()
    job_run(job.pk)  # the broker hands the task back: the second attempt
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["run"] == interrupted.pk
    assert list(ScoreRun.objects.filter(job=job).values_list("status", flat=True)) == ["succeeded"]
    assert ProviderScore.objects.filter(run=interrupted).exists()


@pytest.mark.parametrize("args", [["--period", "2026Q5"], ["--start", "2026-03-01"], []])
def test_run_par_refuses_a_bad_period(db, args):
    with pytest.raises(CommandError, match="Give a period as 2026Q3"):
        call_command("run_par", *args)
    assert not ScoreRun.objects.exists()
