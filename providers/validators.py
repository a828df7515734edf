"""Identifier checks for the provider file."""

from django.core.exceptions import ValidationError

NPI_INVALID = "NPI must be 10 digits with a valid check digit."


def npi_is_valid(npi: str) -> bool:
    """The NPI check digit: Luhn over the 9 leading digits prefixed with 80840 (CMS NPI standard)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    total = 24  # the Luhn contribution of the 80840 prefix
    for index, char in enumerate(reversed(npi[:9])):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def validate_npi(value: str) -> None:
    if not npi_is_valid(value):
        raise ValidationError(NPI_INVALID, code="npi_invalid")
