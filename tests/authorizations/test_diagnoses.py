import pytest

from authorizations.diagnoses import description, diagnosis_problems, is_substance_use, normalize


@pytest.mark.parametrize("codes", [["F32.9"], ["f329"], ["F33.1", "F10.20"], [" F43.10 "]])
def test_billable_behavioral_health_codes_are_accepted(codes):
    assert diagnosis_problems(codes) == []


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ([], "Give at least one diagnosis"),
        (["J45.909"], "J45.909 is not an ICD-10-CM code we accept"),
        (["F32"], "F32 is a category, not a billable code: give the full code (for example F32.0)"),
        (["banana"], "'banana' is not written as an ICD-10-CM code"),
        (["F32.9", "F329"], "F32.9 is listed twice"),
        (["F99.99"], "F99.99 is not an ICD-10-CM code we accept"),
    ],
)
def test_each_bad_code_gets_its_own_clear_message(codes, message):
    problems = diagnosis_problems(codes)
    assert len(problems) == 1 and message in problems[0]


def test_every_problem_is_reported_not_just_the_first():
    assert len(diagnosis_problems(["J45.909", "F32", "banana"])) == 3


def test_normalizing_and_lookups():
    assert normalize("f1020") == "F10.20"
    assert "depressive" in description("F32.9").lower()
    assert is_substance_use("F10.20") and not is_substance_use("F32.9")
