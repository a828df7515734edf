"""Reference data: idempotent loads, edits with history, and broken files that change nothing."""

import shutil
from pathlib import Path

import pytest

from aso.core.reference import ReferenceDataError
from aso.referencedata import ALL_SPECS, FIXTURES_DIR, load_all
from authorizations.models import AuthorizationRule, TurnaroundClock
from providers.models import LevelOfCare

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {spec.model: apps.get_model(spec.model).objects.count() for spec in ALL_SPECS}


def test_every_file_is_loaded_and_a_second_load_changes_nothing(ref):
    reports = load_all()
    assert {r.file for r in reports} == {spec.file for spec in ALL_SPECS}
    assert all(r.created == 0 and r.updated == 0 and r.unchanged > 0 for r in reports)
    assert LevelOfCare.objects.filter(code="IP_PSY", category="acute").exists()


def test_the_domain_values_are_loaded(ref):
    standard_2026 = TurnaroundClock.objects.get(code="PA_STANDARD", effective_from="2026-01-01")
    assert (standard_2026.amount, standard_2026.unit) == (7, "calendar_days")
    assert TurnaroundClock.objects.get(code="PA_EXPEDITED").amount == 72
    iop = AuthorizationRule.objects.filter(level_of_care__code="IOP").order_by("effective_from")
    assert [r.review_path for r in iop] == ["prior_auth", "registration"]


def test_an_edited_row_is_updated_and_history_records_the_change(ref, fixtures_copy):
    _replace(
        fixtures_copy / "turnaround_clocks.yaml",
        "{code: PA_URGENT_CONCURRENT, effective_from: 2013-01-01, amount: 24,",
        "{code: PA_URGENT_CONCURRENT, effective_from: 2013-01-01, amount: 72,",
    )
    reports = load_all(fixtures_dir=fixtures_copy)
    clocks = next(r for r in reports if r.file == "turnaround_clocks.yaml")
    assert (clocks.updated, clocks.created) == (1, 0)
    clock = TurnaroundClock.objects.get(code="PA_URGENT_CONCURRENT")
    assert clock.amount == 72
    assert [h.amount for h in clock.history.order_by("history_date")][-2:] == [24, 72]
    assert sum(r.updated for r in load_all(fixtures_dir=fixtures_copy)) == 0


@pytest.mark.parametrize(
    ("file", "old", "new", "reason"),
    [
        (
            "authorization_rules.yaml",
            "{level_of_care: PHP,",
            "{level_of_care: NOT_A_LEVEL,",
            "unknown level of care 'NOT_A_LEVEL'",
        ),
        (
            "authorization_rules.yaml",
            "{level_of_care: IOP, effective_from: 2014-01-01,",
            "{level_of_care: IOP, effective_from: 2013-06-01,",
            "effective dates overlap",
        ),
        (
            "turnaround_clocks.yaml",
            "{code: APPEAL_STANDARD, effective_from: 2013-01-01,",
            "{code: APPEAL_STANDARD, effective_from: 2013-02-30,",
            "effective_from must be a date",
        ),
        (
            "levels_of_care.yaml",
            "category: acute, setting: hospital, unit_type: day, twenty_four_hour: true, sort_order: 10",
            "category: galactic, setting: hospital, unit_type: day, twenty_four_hour: true, sort_order: 10",
            "category",
        ),
        (
            "programs.yaml",
            "  - code: HUSKY_B\n",
            "  - code: HUSKY_B\n    colour: blue\n",
            "unknown field 'colour'",
        ),
    ],
)
def test_a_broken_file_fails_with_file_line_and_reason_and_changes_nothing(
    ref, fixtures_copy, file, old, new, reason
):
    # A valid edit elsewhere must not be applied either: the load is one transaction.
    _replace(fixtures_copy / "regions.yaml", '"Region 1 - Southwest"', '"Region 1 - Southwest CT"')
    _replace(fixtures_copy / file, old, new)
    before = _counts()
    with pytest.raises(ReferenceDataError) as caught:
        load_all(fixtures_dir=fixtures_copy)
    assert caught.value.file == file
    assert caught.value.line is not None and caught.value.line > 0
    assert reason in str(caught.value)
    assert _counts() == before
    from providers.models import Region

    assert Region.objects.get(code="R1").name == "Region 1 - Southwest"


def test_the_reported_line_is_the_line_of_the_bad_row(ref, fixtures_copy):
    path = fixtures_copy / "authorization_rules.yaml"
    _replace(path, "{level_of_care: PHP,", "{level_of_care: NOT_A_LEVEL,")
    expected = next(
        i for i, line in enumerate(path.read_text().splitlines(), 1) if "NOT_A_LEVEL" in line
    )
    with pytest.raises(ReferenceDataError) as caught:
        load_all(fixtures_dir=fixtures_copy)
    assert caught.value.line == expected


def test_a_file_that_is_not_yaml_rows_is_refused(ref, fixtures_copy):
    (fixtures_copy / "regions.yaml").write_text("just: a mapping\n")
    with pytest.raises(
        ReferenceDataError, match="regions.yaml: expected a mapping with a 'rows:' list"
    ):
        load_all(fixtures_dir=fixtures_copy)


def test_the_command_reports_failure_clearly(ref, fixtures_copy, settings, monkeypatch):
    from django.core.management import CommandError, call_command

    import aso.referencedata

    _replace(
        fixtures_copy / "authorization_rules.yaml",
        "{level_of_care: PHP,",
        "{level_of_care: NOT_A_LEVEL,",
    )
    monkeypatch.setattr(aso.referencedata, "FIXTURES_DIR", fixtures_copy)
    monkeypatch.setattr(
        aso.referencedata.load_all,
        "__kwdefaults__",
        {"fixtures_dir": fixtures_copy, "dry_run": False},
    )
    with pytest.raises(
        CommandError,
        match=r"nothing changed: authorization_rules.yaml, line \d+: unknown level of care",
    ):
        call_command("load_reference_data")
