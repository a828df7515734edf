"""The synthetic prior-authorization year: consistent with the rules it simulates."""

from __future__ import annotations

import datetime as dt

import pytest

from aso.core.seeding import SeedContext
from authorizations.models import Appeal, Authorization, Episode, Event, Notice, Request, Review
from authorizations.rules import clocks
from authorizations.seed_review import seed_prior_auth
from authorizations.selectors_review import clocks_all
from authorizations.services.metrics import pa_metrics_for_year
from members.seed import seed_members
from providers.seed import seed_providers

TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def seeded(db, ref):  # type: ignore[no-untyped-def]
    ctx = SeedContext(scale="small", seed=7, today=TODAY, log=lambda _: None)
    seed_providers(ctx)
    seed_members(ctx)
    seed_prior_auth(ctx)
    return ctx


def test_a_small_year_is_seeded_with_every_kind_of_row(seeded):
    counts = seeded.counts
    assert counts["pa_requests"] == Request.objects.count() > 300
    assert counts["pa_open"] >= 40  # the backlog, and concurrent reviews still open
    assert Request.objects.filter(kind="concurrent").exists()
    assert Episode.objects.filter(discharged__isnull=False).exists()
    assert Episode.objects.filter(delay_days__gt=0).exclude(delay_reason="").exists()
    assert Review.objects.count() == Request.objects.exclude(decided_at__isnull=True).count()
    assert Event.objects.filter(kind="seeded").count() == Request.objects.count()
    adverse = Request.objects.filter(status__in=("partially_approved", "denied")).count()
    assert Notice.objects.filter(kind__in=("denial", "partial_approval")).count() == 2 * adverse
    assert Notice.objects.filter(kind="approval").exists()
    assert Appeal.objects.exists()
    _the_rows_obey_the_rules()
    _the_metrics_run_on_the_seeded_year()
    before = Request.objects.count()
    seed_prior_auth(seeded)  # a second run changes nothing
    assert Request.objects.count() == before


def _the_rows_obey_the_rules():  # type: ignore[no-untyped-def]
    rows = clocks_all()
    for request in Request.objects.filter(extended_at__isnull=True)[:200]:
        expected = clocks.decision_deadline(request.received_at, request.urgency, rows).due_at
        assert clocks.utc(request.due_at) == clocks.utc(expected)
    for request in Request.objects.filter(status__in=("approved", "partially_approved")):
        assert Authorization.objects.filter(request=request).exists()
    for request in Request.objects.filter(status__in=("denied", "partially_approved")):
        assert request.decision_reason and request.decision_criterion and request.decision_note
        assert request.decided_by.groups.filter(name="physician_advisor").exists()
    for appeal in Appeal.objects.filter(status="decided").select_related("request"):
        assert appeal.decided_by_id != appeal.request.decided_by_id
    for request in Request.objects.filter(kind="concurrent", level_of_care__category="acute"):
        expiry = clocks.authorization_expiry(request.extends.end)
        assert clocks.utc(request.received_at) <= clocks.utc(expiry) - dt.timedelta(hours=4)
    for episode in Episode.objects.filter(discharged__isnull=False):
        assert episode.delay_days <= (episode.discharged - episode.admitted).days


def _the_metrics_run_on_the_seeded_year():  # type: ignore[no-untyped-def]
    metrics = pa_metrics_for_year(year=2026)
    assert metrics.standard_count + metrics.expedited_count > 100
    assert 80 <= float(metrics.figures[1].value.rstrip("%")) <= 100
