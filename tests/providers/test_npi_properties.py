"""The NPI check digit (Luhn over 80840 + the first nine digits), property-tested: every NPI made
with the rule validates, and any single mistyped digit is caught."""

from hypothesis import given
from hypothesis import strategies as st

from providers.validators import npi_is_valid

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _with_check_digit(body: str) -> str:
    """Append the one check digit that makes the NPI valid (found by trying the ten)."""
    return next(body + d for d in "0123456789" if npi_is_valid(body + d))


@given(nine_digits)
def test_exactly_one_check_digit_completes_any_nine_digits(body):
    assert sum(npi_is_valid(body + d) for d in "0123456789") == 1


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(body, position, shift):
    npi = _with_check_digit(body)
    wrong = str((int(npi[position]) + shift) % 10)
    assert not npi_is_valid(npi[:position] + wrong + npi[position + 1 :])


@given(st.text(max_size=12))
def test_anything_but_ten_digits_is_refused_without_error(text):
    if not (len(text) == 10 and text.isascii() and text.isdigit()):
        assert not npi_is_valid(text)
