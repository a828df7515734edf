"""Diagnosis-code checks, property-tested: normalizing is idempotent, any input gets an answer (never
an exception), and every billable code of the shipped F chapter is accepted however it is typed."""

from hypothesis import given
from hypothesis import strategies as st

from authorizations.diagnoses import diagnosis_problems, f_chapter, normalize

BILLABLE = sorted(code for code, (billable, _) in f_chapter().items() if billable)


@given(st.text(max_size=12))
def test_normalizing_twice_changes_nothing(text):
    assert normalize(normalize(text)) == normalize(text)


@given(st.lists(st.text(max_size=10), max_size=5))
def test_any_list_of_strings_gets_a_list_of_messages(codes):
    problems = diagnosis_problems(codes)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    assert (problems == []) <= bool(codes)


@given(
    st.sampled_from(BILLABLE),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", " ", "  "]),
)
def test_every_billable_code_is_accepted_however_typed(code, lower, no_dot, padding):
    typed = code.replace(".", "") if no_dot else code
    typed = typed.lower() if lower else typed
    assert diagnosis_problems([f"{padding}{typed}{padding}"]) == []


def test_the_chapter_has_billable_codes():
    assert len(BILLABLE) > 500
