"""Journey: a regional network manager goes from the scorecards index to a provider of their region and
reads its PAR scorecard, charts included (inline SVG, allowed by the Content Security Policy)."""

from __future__ import annotations

import datetime as dt

from par.models import Measure
from providers.models import Provider, Region, Site, Town
from tests.par.test_pages import add_score, make_run


def _hartford_hospital() -> Provider:
    hartford = Town.objects.get(name="Hartford")
    hospital = Provider.objects.create(
        npi="1234567893",
        medicaid_id="000000011",
        name="Hartford General",
        kind="hospital",
        effective_date=dt.date(2010, 1, 1),
    )
    Site.objects.create(
        provider=hospital,
        site_number="001",
        name="Hartford General Hartford",
        street="1 Main St",
        town=hartford,
        region=hartford.region,
        zip_code="06103",
    )
    return hospital


def test_a_network_manager_reads_a_provider_scorecard_with_its_charts(signed_in, shot):
    page = signed_in("network_manager")
    hospital = _hartford_hospital()
    region = hospital.sites.get().region
    Region.objects.filter(pk=region.pk).update(network_manager=page.user)
    older = make_run("2025Q4", "2025-10-01", "2025-12-31")
    run = make_run()
    add_score(older, hospital, "FUH_7", 35.0)
    add_score(run, hospital, "FUH_7", 45.0, percentile=40.0, met=False)
    add_score(run, hospital, "READMIT_30", 12.0, percentile=70.0, met=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scorecards").click()
    page.get_by_role("heading", name="Provider Analysis and Reporting").wait_for()
    page.get_by_role("link", name=region.name).click()
    page.get_by_role("heading", name=f"{region.name}: provider scorecard").wait_for()
    page.get_by_role("link", name="Hartford General").click()
    page.get_by_role("heading", name="Hartford General: PAR scorecard").wait_for()

    assert run.label in page.locator("#main").inner_text()
    for code in ("FUH_7", "READMIT_30"):
        name = Measure.objects.get(code=code).name
        card = page.locator("section.card", has=page.get_by_role("heading", name=name, exact=True))
        assert card.is_visible()
        assert card.locator("svg").count() >= 1
        assert card.locator("svg").first.is_visible()
        assert card.locator("svg title").count() >= 1
    fuh = page.locator("section[aria-labelledby='m-FUH_7']")
    assert fuh.locator("svg").count() == 2  # the comparison and the trend over both runs
    assert "✗ target missed" in fuh.inner_text()
    assert "40 of 100" in fuh.inner_text()
    shot(page, "par-provider-scorecard")
