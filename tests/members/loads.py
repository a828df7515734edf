"""Running eligibility loads in tests: build a CSV in our layout, load it through the job, read spans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from members.models import EligibilityLoad
from members.services import eligibility_load_submit

HEADER = (
    "medicaid_id,last_name,first_name,middle_name,birth_date,sex,language,town,dcf_involved,"
    "program,start_date,end_date"
)


def row(
    medicaid_id: str,
    program: str,
    start: str,
    end: str = "",
    *,
    last: str = "Rivera",
    first: str = "Ana",
    birth: str = "1990-04-12",
    sex: str = "F",
    language: str = "es",
    town: str = "Hartford",
    dcf: str = "N",
) -> str:
    fields = [medicaid_id, last, first, "", birth, sex, language, town, dcf, program, start, end]
    return ",".join(fields)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def run_load(
    capture: Any,
    content: bytes,
    *,
    user: Any = None,
    mode: str = "delta",
    as_of: str | None = None,
    name: str = "elig.csv",
    file_format: str = "",
) -> EligibilityLoad:
    """Submit and run a load as the upload page would (the job runs when the request commits)."""
    with capture(execute=True):
        load = eligibility_load_submit(
            acting_user=user,
            file=ContentFile(content, name=name),
            file_name=name,
            mode=mode,
            file_format=file_format,
            as_of=dt.date.fromisoformat(as_of) if as_of else None,
        )
    load.refresh_from_db()
    return load
