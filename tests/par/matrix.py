"""Permission matrix entries for PAR: RNMs read their regions' providers, provider staff their own
organization, agencies and data operations the state's aggregates only."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from par.models import (
    ClaimRejection,
    ClaimsLoad,
    Measure,
    ProviderScore,
    ScoreCase,
    ScoreRun,
    StatewideScore,
)
from tests.matrix import Entry, World, world_builder

SCORECARD_READERS = {"network_manager": 200, "provider_staff": 200, "provider_admin": 200}
AGGREGATE_READERS = {**SCORECARD_READERS, "agency_viewer": 200, "data_ops": 200}


@world_builder
def par_objects(world: World) -> None:
    run = ScoreRun.objects.create(
        label="2026Q1",
        period_kind="quarter",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        status="succeeded",
        input_hash="0" * 64,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    measure = Measure.objects.get(code="FUH_7")
    for provider, value in ((world.provider_a, 50.0), (world.provider_b, 75.0)):
        ProviderScore.objects.create(
            run=run,
            provider=provider,
            measure=measure,
            split="all",
            numerator=value / 10,
            denominator=20,
            value=value,
            statewide_value=62.5,
            suppressed=False,
        )
    StatewideScore.objects.create(
        run=run,
        measure=measure,
        split="all",
        numerator=25,
        denominator=40,
        value=62.5,
        providers=2,
        providers_ranked=2,
    )
    ScoreCase.objects.create(
        run=run,
        measure=measure,
        provider=world.provider_a,
        site=world.site_a,
        member=world.member_child,
        case_ref="C1",
        index_date=dt.date(2026, 2, 1),
        age_group="child",
        dcf=False,
        numerator=1.0,
    )
    load = ClaimsLoad.objects.create(file_name="claims.csv", sha256="1" * 64, rows_read=1)
    ClaimRejection.objects.create(
        load=load, line_number=2, reason="unknown_member", message="No member has this Medicaid id"
    )
    world.extra.update(par_run=run, claims_load=load)


def _cases(world: World, provider) -> str:  # type: ignore[no-untyped-def]
    return reverse("par:cases", args=[world.par_run.pk, provider.pk, "FUH_7"])


ENTRIES = {
    "par:scorecards": Entry(url=lambda w: reverse("par:scorecards"), expect=AGGREGATE_READERS),
    "par:region": Entry(
        url=lambda w: reverse("par:region", args=[w.site_a.region_id]),
        other_url=lambda w: reverse("par:region", args=[w.site_b.region_id]),
        expect={"network_manager": 200},
        default=404,
    ),
    "par:region_workbook": Entry(
        url=lambda w: reverse("par:region_workbook", args=[w.site_a.region_id]),
        other_url=lambda w: reverse("par:region_workbook", args=[w.site_b.region_id]),
        expect={"network_manager": 200},
        default=404,
    ),
    "par:provider": Entry(
        url=lambda w: reverse("par:provider", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("par:provider", args=[w.provider_b.pk]),
        expect=SCORECARD_READERS,
        default=404,
    ),
    "par:provider_workbook": Entry(
        url=lambda w: reverse("par:provider_workbook", args=[w.provider_a.pk]),
        other_url=lambda w: reverse("par:provider_workbook", args=[w.provider_b.pk]),
        expect=SCORECARD_READERS,
        default=404,
    ),
    "par:cases": Entry(
        url=lambda w: _cases(w, w.provider_a),
        other_url=lambda w: _cases(w, w.provider_b),
        expect=SCORECARD_READERS,
        default=404,
        member_data=True,
    ),
    "par:run_list": Entry(url=lambda w: reverse("par:run_list"), expect={"data_ops": 200}),
    "par:run_detail": Entry(
        url=lambda w: reverse("par:run_detail", args=[w.par_run.pk]), expect=AGGREGATE_READERS
    ),
    "par:claims_loads": Entry(url=lambda w: reverse("par:claims_loads"), expect={"data_ops": 200}),
    "par:claims_load_detail": Entry(
        url=lambda w: reverse("par:claims_load_detail", args=[w.claims_load.pk]),
        expect={"data_ops": 200},
        default=404,
    ),
}
