"""PAR reference data: measures and claim code tables load, and a typo fails the whole load."""

import shutil
from pathlib import Path

import pytest

from aso.core.reference import ReferenceDataError, reference_data_load
from aso.referencedata import FIXTURES_DIR
from par.measures import check_spec
from par.models import ClaimCode, Measure
from par.reference import SPECS

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


def test_every_shipped_measure_is_a_valid_spec(ref):
    measures = list(Measure.objects.all())
    assert len(measures) == 12
    for measure in measures:
        check_spec(measure.spec())
        assert measure.definition, f"{measure.code} has no definition to show"


def test_claim_codes_map_ed_and_catalog_levels(ref):
    assert ClaimCode.objects.get(code_system="revenue", code="0450").level_of_care == "ED"
    assert ClaimCode.objects.get(code_system="procedure", code="90791").level_of_care == "OP_EVAL"


@pytest.mark.parametrize(
    ("file", "old", "new", "reason"),
    [
        (
            "par_measures.yaml",
            "params: {window_days: 30, min_visits: 2}",
            "params: {days: 30, min_visits: 2}",
            "engagement does not read parameter(s) days",
        ),
        (
            "par_measures.yaml",
            "calculation: step_up,",
            "calculation: stepup,",
            "unknown calculation 'stepup'",
        ),
        (
            "par_claim_codes.yaml",
            'code: "H2033", level_of_care: HB_MST,',
            'code: "H2033", level_of_care: HOME_BASED,',
            "unknown level of care 'HOME_BASED'",
        ),
    ],
)
def test_a_bad_row_fails_the_load_and_changes_nothing(ref, fixtures_copy, file, old, new, reason):
    _replace(fixtures_copy / file, old, new)
    before = list(Measure.objects.values_list("params", flat=True))
    with pytest.raises(ReferenceDataError) as failure:
        reference_data_load(specs=SPECS, fixtures_dir=fixtures_copy)
    assert file in str(failure.value) and reason in str(failure.value)
    assert list(Measure.objects.values_list("params", flat=True)) == before
