"""Human-friendly numbers with a check character, for requests and authorizations.

A number is a prefix, the year, a zero-padded sequence and a check character (ISO 7064 MOD 37,36 over the
digits and letters), e.g. `A26-0004217-K`. The check character catches a mistyped or swapped character when
a provider reads an authorization number over the phone or keys it into a claim.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from aso.core.rows import hot_cursor

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_character(body: str) -> str:
    """ISO 7064 MOD 37,36 check character over the alphanumeric characters of `body`."""
    product = 36
    for char in body.upper():
        if char not in ALPHABET:
            continue
        total = (product % 37 + ALPHABET.index(char)) % 36 or 36
        product = total * 2
    return ALPHABET[(37 - product % 37) % 36]


def is_valid_number(number: str) -> bool:
    body, _, check = number.rpartition("-")
    return bool(body) and len(check) == 1 and check_character(body) == check.upper()


def format_number(prefix: str, year: int, sequence: int) -> str:
    body = f"{prefix}{year % 100:02d}-{sequence:07d}"
    return f"{body}-{check_character(body)}"


def next_number(prefix: str, *, on: dt.date) -> str:
    """The next number for `prefix` ("R" requests, "A" authorizations) in the year of `on`."""
    return next_numbers((prefix,), on=on)[0]


def next_numbers(prefixes: tuple[str, ...], *, on: dt.date) -> tuple[str, ...]:
    """The next number of each prefix in the year of `on`, drawn in one statement.

    Sequences are rows of `authorizations_numbersequence`. One statement (an upsert returning the new
    values, on PostgreSQL and SQLite alike) creates or increments the rows, in the order given, and keeps
    them locked until the caller's transaction ends, so two submissions at the same moment never share
    a number.
    """
    from authorizations.models import NumberSequence

    quote = connection.ops.quote_name
    table, last = quote(NumberSequence._meta.db_table), quote("last")
    prefix_column = quote("prefix")
    values = ", ".join(["(%s, %s, 1)"] * len(prefixes))
    params = [value for prefix in prefixes for value in (prefix, on.year)]
    with hot_cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({prefix_column}, {quote('year')}, {last}) VALUES {values} "
            f"ON CONFLICT ({prefix_column}, {quote('year')}) DO UPDATE SET {last} = {table}.{last} + 1 "
            f"RETURNING {prefix_column}, {last}",
            params,
        )
        drawn = dict(cursor.fetchall())
    return tuple(format_number(prefix, on.year, drawn[prefix]) for prefix in prefixes)
