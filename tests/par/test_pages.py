"""Scorecard pages: what an RNM and a provider see, fixed query counts, outliers, charts, drill-down."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from aso.core.models import AccessLog
from par.models import Measure, ProviderScore, ScoreCase, ScoreRun, StatewideScore
from providers.models import Provider, ProviderStaff, Region, Site

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def make_run(label: str = "2026Q1", start: str = "2026-01-01", end: str = "2026-03-31") -> ScoreRun:
    return ScoreRun.objects.create(
        label=label,
        period_kind="quarter",
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        status="succeeded",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )


def add_score(
    run, provider, code, value, *, percentile=50.0, denominator=20, suppressed=False, met=None
):  # type: ignore[no-untyped-def]
    measure = Measure.objects.get(code=code)
    ProviderScore.objects.create(
        run=run,
        provider=provider,
        measure=measure,
        split="all",
        numerator=value,
        denominator=denominator,
        value=value,
        percentile=percentile,
        suppressed=suppressed,
        met_target=met,
    )
    StatewideScore.objects.get_or_create(
        run=run,
        measure=measure,
        split="all",
        defaults={
            "numerator": 1,
            "denominator": 2,
            "value": 55.0,
            "providers": 2,
            "providers_ranked": 2,
        },
    )


@pytest.fixture
def rnm(make_user, par_world):  # type: ignore[no-untyped-def]
    user = make_user("network_manager")
    Region.objects.filter(pk=par_world.sites["a"].region_id).update(network_manager=user)
    return user


def hartford_provider(index: int) -> Provider:
    site = Site.objects.filter(region__code="R4").first()
    provider = Provider.objects.create(
        npi=f"{1000000000 + index * 17:010d}",
        medicaid_id=f"{900000 + index:09d}",
        name=f"Extra {index:03d}",
        kind="clinic",
        effective_date=dt.date(2010, 1, 1),
    )
    Site.objects.create(
        provider=provider,
        site_number="001",
        name="x",
        street="1 Main",
        town=site.town,
        region=site.region,
        zip_code="06103",
    )
    return provider


def test_the_region_page_has_a_fixed_number_of_queries(
    client, rnm, par_world, django_assert_num_queries
):
    run = make_run()
    region = par_world.sites["a"].region
    client.force_login(rnm)
    url = reverse("par:region", args=[region.pk]) + f"?run={run.pk}&sort=FUH_7"

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for i in range(3):
        add_score(run, hartford_provider(i), "FUH_7", 40.0 + i)
    few = count_queries()
    for i in range(3, 12):
        add_score(run, hartford_provider(i), "FUH_7", 40.0 + i)
        add_score(run, Provider.objects.get(name=f"Extra {i:03d}"), "READMIT_30", 10.0)
    with django_assert_num_queries(few):
        client.get(url)
    assert (
        few == 11
    )  # session, user, perms, roles, region, run, picker, measures, providers, scores, state


def test_the_region_page_sorts_and_marks_outliers(client, rnm, par_world):
    run = make_run()
    add_score(run, par_world.hospital_a, "FUH_7", 30.0, percentile=5.0, met=False)
    add_score(run, par_world.clinic, "FUH_7", 80.0, percentile=95.0, met=True)
    client.force_login(rnm)
    region = par_world.sites["a"].region
    page = client.get(
        reverse("par:region", args=[region.pk]), {"run": run.pk, "sort": "FUH_7", "dir": "desc"}
    )
    rows = [row.name for row in page.context["page"]]
    assert rows[:2] == [
        "Capitol Clinic",
        "Hartford General",
    ]  # 80 before 30; hospital B is not in R4
    assert "Stamford Shore" not in rows
    html = page.content.decode()
    assert 'class="num outlier-low">30.0%' in html and 'class="num outlier-high">80.0%' in html
    assert 'aria-sort="descending"' in html


def test_an_rnm_cannot_open_another_region_or_its_providers(client, rnm, par_world):
    make_run()
    client.force_login(rnm)
    assert (
        client.get(reverse("par:region", args=[par_world.sites["b"].region_id])).status_code == 404
    )
    assert client.get(reverse("par:provider", args=[par_world.hospital_b.pk])).status_code == 404
    assert client.get(reverse("par:provider", args=[par_world.hospital_a.pk])).status_code == 200


def test_the_provider_scorecard_shows_value_state_percentile_target_and_charts(
    client, rnm, par_world
):
    older = make_run("2025Q4", "2025-10-01", "2025-12-31")
    run = make_run()
    add_score(older, par_world.hospital_a, "FUH_7", 35.0)
    add_score(run, par_world.hospital_a, "FUH_7", 45.0, percentile=40.0, met=False)
    add_score(run, par_world.hospital_a, "IP_ALOS", 9.0, denominator=4, suppressed=True)
    client.force_login(rnm)
    page = client.get(reverse("par:provider", args=[par_world.hospital_a.pk]), {"run": run.pk})
    cards = {c.measure.code: c for c in page.context["card"].cards}
    fuh = cards["FUH_7"]
    assert (fuh.score.value, fuh.score.percentile, fuh.state_text) == (45.0, 40.0, "55.0%")
    assert [(label, p) for label, p, _ in fuh.trend] == [("2025Q4", 35.0), ("2026Q1", 45.0)]
    assert cards["IP_ALOS"].score.reading.text == "too few cases"
    assert cards["READMIT_7"].score is None
    html = page.content.decode()
    assert "✗ target missed" in html and "no cases" in html and "too few cases" in html
    for chart in (fuh.comparison_chart, fuh.trend_chart):
        svg = ElementTree.fromstring(chart)
        assert svg.tag == f"{SVG}svg" and svg.find(f"{SVG}title") is not None
    assert "HEDIS FUH shape" in html  # the definition is shown


def test_a_period_without_cases_shows_a_clear_empty_scorecard(client, rnm, par_world):
    run = make_run()
    client.force_login(rnm)
    page = client.get(reverse("par:provider", args=[par_world.hospital_a.pk]), {"run": run.pk})
    assert (
        page.status_code == 200 and "No cases for this provider in 2026Q1" in page.content.decode()
    )
    region = client.get(reverse("par:region", args=[par_world.sites["a"].region_id]))
    assert region.status_code == 200 and "–" in region.content.decode()


def test_before_any_run_the_pages_say_so(client, rnm, par_world):
    client.force_login(rnm)
    for url in (reverse("par:scorecards"), reverse("par:provider", args=[par_world.hospital_a.pk])):
        assert "No finished PAR run yet" in client.get(url).content.decode()


def test_provider_staff_see_their_own_scorecard_only(client, make_user, par_world):
    run = make_run()
    add_score(run, par_world.hospital_a, "FUH_7", 45.0)
    add_score(run, par_world.hospital_b, "FUH_7", 99.0)
    staff = make_user("provider_staff")
    ProviderStaff.objects.create(user=staff, provider=par_world.hospital_a)
    client.force_login(staff)
    index = client.get(reverse("par:scorecards")).content.decode()
    assert "Hartford General" in index and "Stamford Shore" not in index
    own = client.get(reverse("par:provider", args=[par_world.hospital_a.pk]))
    assert own.status_code == 200 and "99.0" not in own.content.decode()
    assert client.get(reverse("par:provider", args=[par_world.hospital_b.pk])).status_code == 404
    assert (
        client.get(reverse("par:region", args=[par_world.sites["a"].region_id])).status_code == 404
    )


def test_the_drill_down_lists_cases_and_writes_the_access_log(client, rnm, par_world):
    run = make_run()
    add_score(run, par_world.hospital_a, "FUH_7", 50.0, denominator=2)
    episode = par_world.episode(0, "2026-01-02", "2026-01-10")
    measure = Measure.objects.get(code="FUH_7")
    for member, numerator in ((par_world.members[0], 1.0), (par_world.members[3], 0.0)):
        ScoreCase.objects.create(
            run=run,
            measure=measure,
            provider=par_world.hospital_a,
            site=par_world.sites["a"],
            member=member,
            episode=episode if numerator else None,
            case_ref=str(episode.pk),
            index_date=dt.date(2026, 1, 10),
            age_group="adult",
            dcf=False,
            numerator=numerator,
        )
    client.force_login(rnm)
    page = client.get(reverse("par:cases", args=[run.pk, par_world.hospital_a.pk, "FUH_7"]))
    html = page.content.decode()
    assert page.status_code == 200 and "100000001" in html and "IP_PSY 2026-01-02" in html
    log = AccessLog.objects.get(user=rnm)
    assert log.subject_count == 2 and log.purpose == f"PAR drill-down FUH_7 run {run.pk}"
    assert sorted(log.items.values_list("subject_id", flat=True)) == sorted(
        [par_world.members[0].pk, par_world.members[3].pk]
    )
    missing = reverse("par:cases", args=[run.pk, par_world.hospital_a.pk, "NOPE"])
    assert client.get(missing).status_code == 404


def test_the_provider_scorecard_has_a_fixed_number_of_queries(
    client, rnm, par_world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run = make_run()
    add_score(run, par_world.hospital_a, "FUH_7", 45.0)
    client.force_login(rnm)
    url = reverse("par:provider", args=[par_world.hospital_a.pk]) + f"?run={run.pk}"
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for label, start, end in (
        ("2025Q3", "2025-07-01", "2025-09-30"),
        ("2025Q4", "2025-10-01", "2025-12-31"),
    ):
        older = make_run(label, start, end)
        for code in ("FUH_7", "FUH_30", "READMIT_30", "IP_ALOS"):
            add_score(older, par_world.hospital_a, code, 40.0)
    with django_assert_num_queries(len(first)):
        client.get(url)
