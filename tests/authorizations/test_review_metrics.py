"""The nine CMS prior-authorization metrics against a hand-computed fixture (year boundaries in New
York time, a DST change inside an expedited request, a deemed denial, appeals, extensions)."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from openpyxl import load_workbook

from authorizations.models import Appeal, Request, TurnaroundClock
from authorizations.services.metrics import pa_metrics_csv, pa_metrics_for_year, pa_metrics_xlsx
from tests.authorizations.review_helpers import build_review_world, ny

NUMBERS = itertools.count(1)


@pytest.fixture
def rw(db, ref, make_user):  # type: ignore[no-untyped-def]
    return build_review_world(make_user)


def _request(rw, *, urgency, status, received, decided=None, path="prior_auth", **extra):  # type: ignore[no-untyped-def]
    return Request.objects.create(
        number=f"T-{next(NUMBERS)}",
        member=rw.adult,
        site=rw.hospital,
        level_of_care=rw.level("IP_PSY"),
        channel="web",
        review_path=path,
        urgency=urgency,
        received_at=received,
        due_at=extra.pop("due_at", received + dt.timedelta(days=7)),
        requested_start=received.date(),
        status=status,
        decided_at=decided,
        **extra,
    )


def _appeal(request, outcome):  # type: ignore[no-untyped-def]
    Appeal.objects.create(
        number=f"P-{request.pk}",
        request=request,
        party="member",
        channel="phone",
        filed_at=request.decided_at + dt.timedelta(days=3),
        reason="x" * 30,
        due_at=request.decided_at + dt.timedelta(days=33),
        status="decided",
        outcome=outcome,
        decided_at=request.decided_at + dt.timedelta(days=10),
        due_clock=TurnaroundClock.objects.get(code="APPEAL_STANDARD"),
    )


@pytest.fixture
def year_2026(rw):  # type: ignore[no-untyped-def]
    s = "standard"
    _request(
        rw, urgency=s, status="approved", received=ny(2026, 3, 1, 9), decided=ny(2026, 3, 3, 9)
    )
    _request(
        rw,
        urgency=s,
        status="approved",
        received=ny(2026, 4, 1, 9),
        decided=ny(2026, 4, 15, 9),
        extended_at=ny(2026, 4, 5, 9),
    )
    _request(
        rw,
        urgency=s,
        status="partially_approved",
        received=ny(2026, 5, 1, 9),
        decided=ny(2026, 5, 2, 21),
    )
    _appeal(
        _request(
            rw, urgency=s, status="denied", received=ny(2026, 6, 1, 9), decided=ny(2026, 6, 4, 9)
        ),
        "overturned",
    )
    _appeal(
        _request(
            rw, urgency=s, status="denied", received=ny(2026, 7, 1, 9), decided=ny(2026, 7, 2, 9)
        ),
        "upheld",
    )
    _request(
        rw,
        urgency=s,
        status="in_review",
        received=ny(2026, 8, 1, 9),
        due_at=ny(2026, 8, 8, 9),
        deemed_denied_at=ny(2026, 8, 8, 9, 1),
    )
    # Outside 2026 by New York time, though 2026 in UTC; and decided in 2027.
    _request(
        rw, urgency=s, status="approved", received=ny(2025, 12, 30, 9), decided=ny(2025, 12, 31, 20)
    )
    _request(
        rw,
        urgency=s,
        status="approved",
        received=ny(2026, 12, 30, 9),
        decided=ny(2027, 1, 1, 0, 30),
    )
    # Not counted: withdrawn, and a registration.
    _request(
        rw, urgency=s, status="withdrawn", received=ny(2026, 2, 1, 9), decided=ny(2026, 2, 2, 9)
    )
    _request(
        rw,
        urgency=s,
        status="approved",
        received=ny(2026, 2, 1, 9),
        decided=ny(2026, 2, 1, 9),
        path="registration",
    )
    e = "expedited"
    _request(
        rw, urgency=e, status="approved", received=ny(2026, 3, 7, 10), decided=ny(2026, 3, 9, 10)
    )
    _request(
        rw,
        urgency="urgent_concurrent",
        status="denied",
        received=ny(2026, 9, 1, 9),
        decided=ny(2026, 9, 1, 21),
    )
    _request(
        rw,
        urgency=e,
        status="approved",
        received=ny(2026, 10, 1, 9),
        decided=ny(2026, 10, 3, 9),
        extended_at=ny(2026, 10, 2, 9),
    )


def test_the_nine_figures_match_the_hand_computation(year_2026):
    metrics = pa_metrics_for_year(year=2026)
    figures = {f.number: f for f in metrics.figures}
    assert (
        figures[1].value == "IP_PSY, IP_DETOX, OBS_23H, PRTF, RTC, GROUP_HOME, RES_DETOX, PHP, EDT"
    )
    assert (figures[2].numerator, figures[2].denominator, figures[2].value) == (3, 6, "50.0%")
    assert (figures[3].numerator, figures[3].denominator, figures[3].value) == (3, 6, "50.0%")
    assert (figures[4].numerator, figures[4].denominator, figures[4].value) == (1, 6, "16.7%")
    assert (figures[5].numerator, figures[5].denominator, figures[5].value) == (2, 9, "22.2%")
    assert (figures[6].numerator, figures[6].denominator, figures[6].value) == (2, 3, "66.7%")
    assert (figures[7].numerator, figures[7].denominator, figures[7].value) == (1, 3, "33.3%")
    # standard hours: 48, 336, 36, 72, 24, 168 -> mean 114, median (48 + 72) / 2 = 60
    assert figures[8].value == "average 114.0 h, median 60.0 h"
    # expedited hours: 47 (across the March DST change), 12, 48 -> mean 35.67, median 47
    assert figures[9].value == "average 35.7 h, median 47.0 h"
    assert metrics.partial_standard == 1 and metrics.partial_expedited == 0


def test_the_year_boundary_is_new_york_midnight(year_2026):
    metrics = pa_metrics_for_year(year=2025)
    figures = {f.number: f for f in metrics.figures}
    assert (figures[2].numerator, figures[2].denominator) == (1, 1)
    assert figures[6].value == "no requests"


def test_exports_carry_every_figure_and_its_definition(year_2026):
    metrics = pa_metrics_for_year(year=2026)
    text = pa_metrics_csv(metrics)
    assert text.splitlines()[0] == "number,metric,value,numerator,denominator,definition"
    assert len(text.splitlines()) == 10 and "Standard requests approved,50.0%,3,6" in text
    workbook = load_workbook(io.BytesIO(pa_metrics_xlsx(metrics)))
    sheet = workbook["PA metrics 2026"]
    assert sheet.max_row == 10 and sheet.cell(3, 3).value == "50.0%"
    assert workbook["Services"].max_row == 10
