import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authorizations.numbers import ALPHABET, format_number, is_valid_number, next_number


@given(st.sampled_from("RA"), st.integers(2000, 2099), st.integers(1, 9_999_999))
def test_every_issued_number_validates_and_any_single_typo_is_caught(prefix, year, sequence):
    number = format_number(prefix, year, sequence)
    assert is_valid_number(number)
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    for position in digits[:3]:
        wrong = ALPHABET[(ALPHABET.index(number[position]) + 1) % 10]
        assert not is_valid_number(number[:position] + wrong + number[position + 1 :])


def test_adjacent_swaps_are_caught():
    number = format_number("A", 2026, 1234567)
    body = number[:-2]
    swapped = body.replace("1234567", "1324567") + number[-2:]
    assert not is_valid_number(swapped)


@pytest.mark.django_db
def test_numbers_count_up_per_prefix_and_year():
    day = dt.date(2026, 3, 1)
    first, second = next_number("R", on=day), next_number("R", on=day)
    assert first.startswith("R26-0000001-") and second.startswith("R26-0000002-")
    assert next_number("A", on=day).startswith("A26-0000001-")
    assert next_number("R", on=dt.date(2027, 1, 1)).startswith("R27-0000001-")
