"""The synthetic data: consistent with the rules it claims to follow, and seeded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aso.core.seeding import SeedContext
from members.seed import seed_members
from providers.seed import seed_providers
from relations import rules
from relations.models import BedReport, Contact, Grievance, Holiday, Referral
from relations.seed import seed_relations
from relations.selectors import BoardFilters, bed_board

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)


def test_the_small_seed_is_consistent_and_runs_once(ref, make_user):
    ctx = SeedContext(scale="small", seed=11, today=TODAY, log=lambda message: None)
    seed_providers(ctx)
    seed_members(ctx)
    seed_relations(ctx)
    assert ctx.counts["contacts"] == Contact.objects.count() > 400
    assert ctx.counts["grievances"] == Grievance.objects.count() >= 5
    assert Referral.objects.exists() and BedReport.objects.exists()
    holidays = frozenset(Holiday.objects.values_list("date", flat=True))
    for grievance in Grievance.objects.select_related("ack_clock", "resolution_clock"):
        grievance.full_clean()
        received_on = timezone.localtime(grievance.received_at).date()
        ack = rules.Clock(
            grievance.ack_clock_id, "", grievance.ack_clock.amount, grievance.ack_clock.unit
        )
        assert grievance.acknowledge_by == rules.deadline_on(received_on, ack, holidays)
        assert grievance.resolve_by == received_on + dt.timedelta(days=90)
    assert not Contact.objects.filter(taken_by__isnull=False).exists()  # seeded rows carry no user
    now = dt.datetime.combine(TODAY, dt.time(9), tzinfo=timezone.get_default_timezone())
    rows = bed_board(user=make_user("care_manager"), now=now, filters=BoardFilters())
    assert any(row.stale for row in rows) and any(not row.stale for row in rows)
    before = Contact.objects.count()
    seed_relations(ctx)
    assert Contact.objects.count() == before
