"""Each sheet against numbers counted by hand from the scene (tests/oversight/conftest.py), and the
agency scope of each agency."""

from __future__ import annotations

import pytest

from authorizations.models import DecisionReason
from oversight import sheets
from oversight.rules import ADOLESCENT, ADULT, AGE_GROUPS, CHILD, UNDER_3

pytestmark = pytest.mark.django_db


def _ages(**counts: int) -> list[int]:
    names = {"under3": UNDER_3, "child": CHILD, "teen": ADOLESCENT, "adult": ADULT}
    by_group = {names[k]: v for k, v in counts.items()}
    return [by_group.get(g, 0) for g in AGE_GROUPS]


def test_eligibility_for_dss(scene):
    h, s = scene.regions["H"], scene.regions["S"]
    table = sheets.eligibility(scene.ctx("DSS"))
    assert table.column_headers == AGE_GROUPS
    assert dict(table.rows) == {
        ("HUSKY_A", h): _ages(under3=1, child=1),
        ("HUSKY_B", h): _ages(teen=1),
        ("HUSKY_D", s): _ages(adult=1),  # the span ending on Jun 30 counts
        ("DMHAS_SFA", s): _ages(adult=1),  # the DCF-involved adult's HUSKY D ended Jun 29
    }


def test_eligibility_scope_of_dcf_children_and_dcf_involved(scene):
    h, s = scene.regions["H"], scene.regions["S"]
    table = sheets.eligibility(scene.ctx("DCF"))
    assert dict(table.rows) == {
        ("HUSKY_A", h): _ages(under3=1, child=1),
        ("HUSKY_B", h): _ages(teen=1),  # 17 on Jun 30: still a child for DCF
        ("DMHAS_SFA", s): _ages(adult=1),  # DCF-involved adult
    }


def test_eligibility_scope_of_dmhas_adults(scene):
    s = scene.regions["S"]
    table = sheets.eligibility(scene.ctx("DMHAS"))
    assert dict(table.rows) == {("HUSKY_D", s): _ages(adult=1), ("DMHAS_SFA", s): _ages(adult=1)}


def test_requests_by_path_level_month_dcf_and_age(scene):
    table = sheets.requests(scene.ctx("DSS"))
    assert table.row_headers == ("Path", "Level of care", "Month", "DCF")
    assert table.rows == [
        # received 23:30 Eastern on Jun 30 is June although it is July in UTC
        (("Prior authorization", "IP_DETOX", "2026-06", "non-DCF"), _ages(adult=1)),
        (("Prior authorization", "IP_PSY", "2026-05", "non-DCF"), _ages(teen=1, adult=1)),
        (("Registration", "OP", "2026-04", "non-DCF"), _ages(child=1)),
        (("Registration", "OP", "2026-06", "non-DCF"), _ages(child=1)),
    ]  # request 5 was received in March: not counted


def test_requests_scope_per_agency(scene):
    dcf = sheets.requests(scene.ctx("DCF"))
    assert [key for key, _ in dcf.rows] == [
        ("Prior authorization", "IP_PSY", "2026-05", "non-DCF"),
        ("Registration", "OP", "2026-04", "non-DCF"),
        ("Registration", "OP", "2026-06", "non-DCF"),
    ]
    assert dcf.rows[0][1] == _ages(teen=1)
    dmhas = sheets.requests(scene.ctx("DMHAS"))
    assert dmhas.rows == [
        (("Prior authorization", "IP_DETOX", "2026-06", "non-DCF"), _ages(adult=1)),
        (("Prior authorization", "IP_PSY", "2026-05", "non-DCF"), _ages(adult=1)),
    ]


def test_turnaround_by_urgency(scene):
    table = sheets.turnaround(scene.ctx("DSS"))
    assert table.rate == ("% on time", 0)
    assert table.rows == [
        (("Standard",), [1, 1]),  # request 5 on time, request 3 late
        (("Expedited",), [1, 0]),  # request 2; request 4 was decided in July
        (("Urgent concurrent",), [0, 0]),
    ]


def test_decisions_by_level_of_care(scene):
    table = sheets.decisions(scene.ctx("DSS"))
    assert table.column_headers == ("Approved", "Partially approved", "Denied", "Refused")
    assert table.rows == [
        (("IP_PSY",), [1, 0, 1, 0]),
        (("OP",), [1, 0, 0, 1]),
        (("RES_DETOX",), [0, 1, 0, 0]),
    ]
    assert sheets.decisions(scene.ctx("DMHAS")).rows == [
        (("IP_PSY",), [0, 0, 1, 0]),
        (("RES_DETOX",), [0, 1, 0, 0]),
    ]


def test_denial_reasons(scene):
    labels = dict(DecisionReason.objects.values_list("code", "label"))
    table = sheets.denial_reasons(scene.ctx("DSS"))
    assert table.rows == [
        (("MN_ADMISSION_CRITERIA", labels["MN_ADMISSION_CRITERIA"]), [1, 0]),
        (("MN_LESS_RESTRICTIVE", labels["MN_LESS_RESTRICTIVE"]), [0, 1]),
    ]


def test_appeals_and_overturns(scene):
    table = sheets.appeals(scene.ctx("DSS"))
    assert table.column_headers[3] == "Overturned"
    assert table.rows == [(("IP_PSY",), [0, 0, 0, 1, 0]), (("RES_DETOX",), [1, 0, 0, 0, 0])]
    assert sheets.appeals(scene.ctx("DCF")).rows == [(("RES_DETOX",), [1, 0, 0, 0, 0])]


def test_detail_rows_without_consent_leave_out_substance_use(scene):
    listing = sheets.authorization_detail(scene.ctx("DSS"))
    rows = list(listing.rows)
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("300000001", "OA-op", "OP", "no"),
        ("300000002", "OA-ip", "IP_PSY", "no"),
    ]
    assert rows[0][8:12] == (
        scene.auths["op"].start,
        scene.auths["op"].end,
        26,
        "visit",
    )
    assert rows[0][12] == "Approved"
    assert listing.member_ids == {scene.members["child"].pk, scene.members["teen"].pk}
    assert sheets.withheld_count(scene.ctx("DSS")) == 2


def test_detail_scope_per_agency(scene):
    dcf = [r[0] for r in sheets.authorization_detail(scene.ctx("DCF")).rows]
    dmhas = [r[0] for r in sheets.authorization_detail(scene.ctx("DMHAS")).rows]
    assert dcf == ["300000001", "300000002"]
    assert dmhas == []  # both adult authorizations are substance use, without consent
    assert sheets.withheld_count(scene.ctx("DMHAS")) == 2
    assert sheets.withheld_count(scene.ctx("DCF")) == 1  # the DCF-involved adult's


def test_builders_aggregate_in_the_database(scene, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        sheets.eligibility(scene.ctx("DSS"))
    with django_assert_max_num_queries(1):
        sheets.requests(scene.ctx("DSS"))


def test_discharges_from_24_hour_care(scene):
    assert sheets.discharges(scene.ctx("DSS")).rows == [
        (("Capitol Hospital", "IP_PSY", "non-DCF"), _ages(teen=1, adult=1)),
        (("Capitol Hospital", "RES_DETOX", "DCF"), _ages(adult=1)),
    ]  # the child's stay ended in July
    assert sheets.discharges(scene.ctx("DCF")).rows == [
        (("Capitol Hospital", "IP_PSY", "non-DCF"), _ages(teen=1)),
        (("Capitol Hospital", "RES_DETOX", "DCF"), _ages(adult=1)),
    ]


def test_length_of_stay_and_delays(scene):
    assert sheets.length_of_stay(scene.ctx("DSS")).rows == [
        (("Capitol Hospital", "IP_PSY"), [2, 16, 8.0, 1, 2]),
        (("Capitol Hospital", "RES_DETOX"), [1, 8, 8.0, 1, 3]),
    ]
    assert sheets.length_of_stay(scene.ctx("DMHAS")).rows == [
        (("Capitol Hospital", "IP_PSY"), [1, 4, 4.0, 0, 0]),
        (("Capitol Hospital", "RES_DETOX"), [1, 8, 8.0, 1, 3]),
    ]
    table = sheets.delays(scene.ctx("DSS"))
    assert [(key[0], values) for key, values in table.rows] == [
        ("AWAIT_HOUSING", [1, 3, 3.0]),
        ("AWAIT_RESIDENTIAL", [1, 2, 2.0]),
    ]


def test_cms_prior_authorization_metrics(scene):
    table = sheets.cms_metrics(scene.ctx("DSS"))
    by_number = {key[0]: values for key, values in table.rows}
    assert by_number["1"][0]  # the services needing prior authorization, from the rules
    # standard: requests 3 (denied, overturned on appeal) and 5 (partly approved); expedited: 2
    assert by_number["2"][:3] == ["50.0%", 1, 2]
    assert by_number["3"][:3] == ["50.0%", 1, 2]
    assert by_number["4"][:3] == ["50.0%", 1, 2]
    assert by_number["5"][:3] == ["0.0%", 0, 3]
    assert by_number["6"][:3] == ["100.0%", 1, 1]
    assert by_number["7"][:3] == ["0.0%", 0, 1]
    assert by_number["8"][0] == "average 113.0 h, median 113.0 h"  # 192 h and 34 h
    assert by_number["9"][0] == "average 24.0 h, median 24.0 h"
    dcf = {key[0]: values for key, values in sheets.cms_metrics(scene.ctx("DCF")).rows}
    assert dcf["2"][:3] == ["100.0%", 1, 1]  # only the DCF-involved adult's request 5
    assert dcf["6"][:3] == ["100.0%", 1, 1]  # the teen's request 2


def test_icm_caseload_and_assignments(scene):
    h, s = scene.regions["H"], scene.regions["S"]
    assert dict(sheets.icm_caseload(scene.ctx("DSS")).rows) == {
        (h, "non-DCF"): _ages(teen=1),
        (s, "DCF"): _ages(adult=1),  # the assignment ending on Jun 30 counts
    }
    assert sheets.icm_caseload(scene.ctx("DMHAS")).rows == [((s, "DCF"), _ages(adult=1))]
    assert sheets.icm_assignments(scene.ctx("DSS")).rows == [
        (("Assigned automatically",), _ages(adult=1)),
        (("Assigned by a supervisor",), _ages(teen=1)),
    ]
    assert sheets.icm_assignments(scene.ctx("DCF")).rows == [
        (("Assigned by a supervisor",), _ages(teen=1))
    ]


def test_grievances_by_month_and_category(scene):
    table = sheets.grievances(scene.ctx("DSS"))
    assert table.value_headers[:2] == ("Received", "Acknowledged")
    assert [(key, values[:2]) for key, values in table.rows] == [
        (("2026-05", "Access to care or wait times"), [1, 1]),
        (("2026-06", "Quality of care"), [1, 0]),
        (("Total", "All categories"), [2, 1]),
    ]
    dmhas = sheets.grievances(scene.ctx("DMHAS"))
    assert [key for key, _ in dmhas.rows] == [
        ("2026-06", "Quality of care"),
        ("Total", "All categories"),
    ]


def test_par_by_region_for_the_run_of_the_period(scene):
    import datetime as dt

    from django.utils import timezone

    from par.models import Measure, ProviderScore, ScoreRun, StatewideScore

    assert sheets.par_by_region(scene.ctx("DSS")).rows == []  # no run for 2026Q2 yet
    run = ScoreRun.objects.create(
        label="2026Q2",
        period_kind="quarter",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        status="succeeded",
        input_hash="0" * 64,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    measure = Measure.objects.get(code="FUH_7")
    provider = scene.site.provider
    for split, value, met in (("all", 50.0, True), ("adult", 40.0, False), ("child", 70.0, True)):
        ProviderScore.objects.create(
            run=run, provider=provider, measure=measure, split=split, numerator=5,
            denominator=10, value=value, statewide_value=62.5, met_target=met, suppressed=False,
        )  # fmt: skip
        StatewideScore.objects.create(
            run=run, measure=measure, split=split, numerator=25, denominator=40, value=62.5,
            providers=2, providers_ranked=2,
        )  # fmt: skip
    h = scene.regions["H"]
    assert sheets.par_by_region(scene.ctx("DSS")).rows == [
        ((h, "FUH_7", "All cases"), [1, 1, 100.0, 62.5])
    ]
    assert sheets.par_by_region(scene.ctx("DMHAS")).rows == [
        ((h, "FUH_7", "Adult (18+)"), [1, 0, 0.0, 62.5])
    ]
    assert [key[2] for key, _ in sheets.par_by_region(scene.ctx("DCF")).rows] == ["Child (3-12)"]
