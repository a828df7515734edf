"""Synthetic registrations: a year of them, in realistic proportions, consistent with the rules, with
numbers that later registrations continue."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from itertools import pairwise

import pytest

from aso.core.seeding import SeedContext
from authorizations.models import Authorization, AuthorizationRule, Event, Request
from authorizations.numbers import is_valid_number, next_number
from authorizations.rules.registration import age_on
from authorizations.seed import seed_registrations
from members.models import EligibilitySpan
from members.seed import seed_members
from providers.models import ServiceOffering
from providers.seed import seed_providers

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def seeded(ref):
    ctx = SeedContext(scale="small", seed=11, today=TODAY, log=lambda _: None)
    for seeder in (seed_providers, seed_members, seed_registrations):
        seeder(ctx)
    return ctx


def test_a_year_of_registrations_in_realistic_proportions(seeded):
    requests = Request.objects.all()
    assert 1000 <= requests.count() <= 1400
    by_level = Counter(requests.values_list("level_of_care__code", flat=True))
    assert by_level.most_common(2)[0][0] == "OP" and by_level["OP"] > by_level["OP_EVAL"] > 0
    refused = requests.filter(status="refused").count()
    assert 0.03 <= refused / requests.count() <= 0.10
    received = list(requests.values_list("received_at", flat=True))
    assert min(received).date() >= TODAY - dt.timedelta(days=366)
    assert max(received).date() <= TODAY
    weekdays = Counter(r.weekday() for r in received)
    assert weekdays[2] > 3 * weekdays[6]  # Wednesdays far busier than Sundays
    assert requests.filter(kind="extension").count() > 50
    assert requests.filter(channel="api").exists() and requests.filter(channel="web").exists()
    assert seeded.counts["registrations"] == requests.count()


def test_refusals_carry_the_rule_chains_reasons_and_no_authorization(seeded):
    for request in Request.objects.filter(status="refused"):
        assert request.refusals and all(r["code"] and r["message"] for r in request.refusals)
        assert request.decision_reason.code == request.refusals[0]["code"]
        assert not Authorization.objects.filter(request=request).exists()


def test_approved_registrations_follow_the_rules(seeded):
    rules = {r.level_of_care_id: r for r in AuthorizationRule.objects.filter(effective_to=None)}
    offered = set(ServiceOffering.objects.values_list("site_id", "level_of_care_id"))
    for a in Authorization.objects.select_related("member", "request", "site__provider"):
        rule = rules[a.level_of_care_id]
        assert (a.site_id, a.level_of_care_id) in offered
        assert (a.end - a.start).days + 1 == rule.initial_days and a.units <= rule.max_units
        age = age_on(a.member.birth_date, a.start)
        assert (rule.min_age or 0) <= age <= (rule.max_age if rule.max_age is not None else 200)
        if rule.dcf_certified_provider_required:
            assert a.site.provider.dcf_certified
        covering = EligibilitySpan.objects.filter(member=a.member, start__lte=a.start)
        assert covering.filter(end__isnull=True).exists() or covering.filter(end__gte=a.start)
        assert a.request.status == "approved" and is_valid_number(a.number)


def test_authorizations_never_overlap_and_extensions_continue_them(seeded):
    spans = defaultdict(list)
    for a in Authorization.objects.select_related("site"):
        spans[(a.member_id, a.site.provider_id, a.level_of_care_id)].append((a.start, a.end))
    for dates in spans.values():
        dates.sort()
        assert all(earlier[1] < later[0] for earlier, later in pairwise(dates))
    extensions = Authorization.objects.filter(previous__isnull=False).select_related("previous")
    assert extensions.exists()
    for extension in extensions:
        assert extension.start == extension.previous.end + dt.timedelta(days=1)
        assert extension.request.extends_id == extension.previous_id


def test_psychological_testing_went_through_staff_review(seeded):
    tests = Request.objects.filter(level_of_care__code="PSYCH_TEST").exclude(status="refused")
    assert tests.exists() and all(t.due_at for t in tests)
    for waiting in tests.filter(status="submitted"):
        assert waiting.decided_at is None and not Authorization.objects.filter(request=waiting)


def test_numbers_are_unique_valid_and_continued_by_later_registrations(seeded):
    numbers = list(Request.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers) and all(map(is_valid_number, numbers))
    latest = Request.objects.filter(received_at__year=TODAY.year).order_by("-number").first()
    assert next_number("R", on=TODAY) > latest.number
    assert Event.objects.count() == Request.objects.count()
    assert Event.objects.first().detail["source"] == "seed_demo"


def test_seeding_twice_adds_nothing(seeded):
    before = Request.objects.count()
    seed_registrations(seeded)
    assert Request.objects.count() == before
