"""Registration service: approved at once with a numbered authorization, refused with every reason
(only the refused request kept), routed to staff review, decided by the rule in force on the start date,
idempotent, and safe against two identical submissions at the same moment."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from authorizations.choices import AuthorizationStatus, Channel, RequestKind, RequestStatus
from authorizations.models import Authorization, Event, Request
from authorizations.numbers import is_valid_number
from authorizations.services.issuance import IssuanceError, authorization_issue
from authorizations.services.registration import (
    IDEMPOTENCY_CONFLICT,
    SITE_UNKNOWN,
    RegistrationInputError,
    registration_extend,
    registration_submit,
)
from tests.authorizations.registration_scene import build_scene

NY = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 2, 10, 30, tzinfo=NY)
TODAY = NOW.date()

# Queries one approved registration makes (the user's permissions already loaded, as in a view):
# both numbers (1), the service's savepoint (2), member lock (1), rule (1), every other fact (1:
# site, coverage, offering, overlaps, idempotency key), request + history (2), authorization +
# history (2), two events (2).
APPROVED_REGISTRATION_QUERIES = 12


@pytest.fixture
def scene(make_user):
    return build_scene(make_user)


def register(scene, member=None, level="OP", **changes):
    args = {
        "acting_user": scene.user,
        "member": member or scene.adult,
        "site_id": scene.site.pk,
        "level_of_care": scene.level(level),
        "start": TODAY,
        "units": None,
        "diagnoses": ["F32.9"],
        "now": NOW,
    }
    return registration_submit(**{**args, **changes})


def test_a_registration_that_passes_is_approved_at_once_with_a_checked_number_and_end_date(scene):
    result = register(scene, units=20, diagnoses=["f329", "F41.1"])
    request, authorization = result.request, result.authorization
    assert request.status == RequestStatus.APPROVED and request.refusals == []
    assert request.diagnoses == ["F32.9", "F41.1"]
    assert request.rule.level_of_care.code == "OP" and request.decided_at == NOW
    assert authorization is not None and is_valid_number(authorization.number)
    assert authorization.number.startswith("A26-") and is_valid_number(request.number)
    assert (authorization.start, authorization.end) == (TODAY, TODAY + dt.timedelta(days=181))
    assert (authorization.units, authorization.unit_type) == (20, "visit")
    kinds = list(request.events.values_list("kind", flat=True))
    assert kinds == ["authorization_issued", "registration_approved"]
    assert request.history.count() == 1 and authorization.history.count() == 1
    for record, saved in (
        (request.history.get(), request),
        (authorization.history.get(), authorization),
    ):
        # the history row the registration writes itself is the one simple-history would write
        assert (record.history_type, record.history_user) == ("+", scene.user)
        assert record.number == saved.number and record.instance == type(saved).objects.get()
        assert record.status == saved.status and record.member_id == saved.member_id


def test_units_default_to_the_rules_initial_units(scene):
    assert register(scene).authorization.units == 26


def test_a_refused_registration_keeps_only_the_request_with_every_reason(scene):
    before = (Authorization.objects.count(), Event.objects.count())
    result = register(scene, member=scene.uncovered, units=40, start=TODAY - dt.timedelta(days=30))
    request = result.request
    assert result.authorization is None and request.status == RequestStatus.REFUSED
    assert [r["code"] for r in request.refusals] == ["NOT_ELIGIBLE", "TOO_MANY_UNITS", "BACKDATED"]
    assert all(r["message"] and r["field"] for r in request.refusals)
    assert request.decision_reason.code == "NOT_ELIGIBLE"
    assert Authorization.objects.count() == before[0]
    assert Event.objects.count() == before[1] + 1  # the decision itself


def test_psychological_testing_passes_the_rules_into_the_staff_review_queue(scene):
    result = register(scene, level="PSYCH_TEST")
    request = result.request
    assert result.authorization is None
    assert request.status == RequestStatus.SUBMITTED and request.review_path == "registration"
    assert request.rule.auto_approve is False and request.decided_at is None
    assert request.due_at == NOW + dt.timedelta(days=7)  # standard clock in force in 2026
    assert request.events.get().kind == "registration_sent_to_review"


def test_a_reviewer_approval_issues_the_authorization_through_the_same_door(scene, make_user):
    request = register(scene, level="PSYCH_TEST").request
    reviewer = make_user("care_manager")
    with pytest.raises(IssuanceError, match="this one is submitted"):
        authorization_issue(request=request, acting_user=reviewer, units=1)
    request.status = RequestStatus.APPROVED
    request.save()
    first = authorization_issue(request=request, acting_user=reviewer, units=1, today=TODAY)
    again = authorization_issue(request=request, acting_user=reviewer, units=1, today=TODAY)
    assert first == again and first.end == TODAY + dt.timedelta(days=364)
    assert first.unit_type == "test" and is_valid_number(first.number)


@pytest.mark.parametrize(
    ("now", "status", "codes"),
    [
        (dt.datetime(2012, 6, 3, 9, tzinfo=NY), RequestStatus.REFUSED, ["NO_RULE"]),
        (dt.datetime(2013, 6, 3, 9, tzinfo=NY), RequestStatus.REFUSED, ["NEEDS_REVIEW"]),
        (dt.datetime(2013, 12, 31, 9, tzinfo=NY), RequestStatus.REFUSED, ["NEEDS_REVIEW"]),
        (dt.datetime(2014, 1, 1, 9, tzinfo=NY), RequestStatus.APPROVED, []),
        (dt.datetime(2026, 3, 2, 9, tzinfo=NY), RequestStatus.APPROVED, []),
    ],
    ids=["2012-no-rule", "2013-prior-auth", "2013-last-day", "2014-first-day", "2026"],
)
def test_iop_follows_the_rule_in_force_on_its_start_date(scene, now, status, codes):
    request = register(scene, level="IOP", start=now.date(), now=now).request
    assert request.status == status
    assert [r["code"] for r in request.refusals] == codes
    if status == RequestStatus.APPROVED:
        assert request.rule.effective_from == dt.date(2014, 1, 1)
        assert request.authorization.end == now.date() + dt.timedelta(days=41)


def test_a_second_registration_for_the_same_dates_is_refused_as_an_overlap(scene):
    first = register(scene).authorization
    second = register(scene, start=TODAY + dt.timedelta(days=10)).request
    assert second.status == RequestStatus.REFUSED
    assert second.refusals[0]["code"] == "OVERLAP" and first.number in second.refusals[0]["message"]


def test_a_request_waiting_for_review_also_blocks_the_same_dates(scene):
    waiting = register(scene, level="PSYCH_TEST").request
    again = register(scene, level="PSYCH_TEST").request
    assert again.status == RequestStatus.REFUSED and waiting.number in again.refusals[0]["message"]


def test_a_site_of_another_organization_is_bad_input_and_nothing_is_saved(scene):
    before = Request.objects.count()
    with pytest.raises(RegistrationInputError) as caught:
        register(scene, site_id=scene.other_site.pk)
    assert caught.value.message_dict == {"site": [SITE_UNKNOWN]}
    with pytest.raises(RegistrationInputError) as caught:
        register(scene, diagnoses=["F32", "Z00.0", "banana"])
    assert len(caught.value.message_dict["diagnoses"]) == 3
    assert Request.objects.count() == before


def test_only_registration_staff_may_register(scene, make_user):
    scene.user = make_user("care_manager")
    with pytest.raises(PermissionDenied):
        register(scene)


def test_the_same_idempotency_key_answers_with_the_first_result(scene):
    first = register(scene, idempotency_key="abc-1", channel=Channel.API)
    again = register(scene, idempotency_key="abc-1", channel=Channel.API)
    assert again.replayed and again.request == first.request
    assert again.authorization == first.authorization
    assert Authorization.objects.count() == 1 and Request.objects.count() == 1
    with pytest.raises(RegistrationInputError) as caught:
        register(scene, idempotency_key="abc-1", units=3)
    assert caught.value.message_dict == {"idempotency_key": [IDEMPOTENCY_CONFLICT]}
    assert Request.objects.count() == 1


def test_the_registration_service_makes_a_fixed_small_number_of_queries(
    scene, django_assert_num_queries
):
    scene.user.has_perm("authorizations.submit_registration")  # loaded once per request by the view
    register(scene, member=scene.teen)  # warm the content-type and other per-process caches
    with django_assert_num_queries(APPROVED_REGISTRATION_QUERIES):
        assert register(scene).status == RequestStatus.APPROVED


def test_the_database_refuses_a_second_identical_active_authorization(scene):
    authorization = register(scene).authorization
    twin = Authorization(
        number="A26-9999999-X",
        request=register(scene, level="OP_EVAL").request,
        member=authorization.member,
        site=authorization.site,
        level_of_care=authorization.level_of_care,
        start=authorization.start,
        end=authorization.end,
        units=1,
        unit_type="visit",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


# --- extensions ------------------------------------------------------------------------------------


def test_an_extension_continues_the_authorization_the_day_after_it_ends(scene):
    current = register(scene).authorization
    result = registration_extend(acting_user=scene.user, authorization=current, units=10, now=NOW)
    extension = result.authorization
    assert result.request.kind == RequestKind.EXTENSION and result.request.extends == current
    assert result.request.previous == current.request
    assert result.request.diagnoses == current.request.diagnoses
    assert extension.previous == current and extension.start == current.end + dt.timedelta(days=1)
    assert extension.units == 10 and list(current.extensions.all()) == [extension]
    current.refresh_from_db()
    assert current.status == AuthorizationStatus.ACTIVE


def test_an_extension_starting_inside_the_span_ends_the_current_authorization_the_day_before(scene):
    current = register(scene).authorization
    start = TODAY + dt.timedelta(days=40)
    extension = registration_extend(
        acting_user=scene.user, authorization=current, start=start, now=NOW
    ).authorization
    current.refresh_from_db()
    assert current.status == AuthorizationStatus.ENDED and current.end == start - dt.timedelta(1)
    assert extension.start == start and extension.status == AuthorizationStatus.ACTIVE
    assert current.history.count() == 2
    assert current.request.events.filter(kind="authorization_ended").exists()


def test_the_same_rules_decide_an_extension(scene):
    current = register(scene).authorization
    result = registration_extend(acting_user=scene.user, authorization=current, units=99, now=NOW)
    assert result.request.status == RequestStatus.REFUSED and result.authorization is None
    assert [r["code"] for r in result.request.refusals] == ["TOO_MANY_UNITS"]
    current.refresh_from_db()
    assert current.status == AuthorizationStatus.ACTIVE


def test_an_extension_that_cannot_be_asked_for_is_bad_input(scene):
    current = register(scene).authorization
    before = Request.objects.count()
    with pytest.raises(RegistrationInputError) as caught:
        registration_extend(
            acting_user=scene.user,
            authorization=current,
            start=current.end + dt.timedelta(days=5),
            now=NOW,
        )
    assert "day after the current authorization ends" in caught.value.message_dict["start"][0]
    Authorization.objects.filter(pk=current.pk).update(status=AuthorizationStatus.VOIDED)
    with pytest.raises(RegistrationInputError, match="this one is voided"):
        registration_extend(acting_user=scene.user, authorization=current, now=NOW)
    assert Request.objects.count() == before


def test_another_organization_cannot_extend_an_authorization(scene, make_user):
    current = register(scene).authorization
    outsider = make_user("provider_staff")
    scene.other_provider.staff.create(user=outsider)
    with pytest.raises(PermissionDenied):
        registration_extend(acting_user=outsider, authorization=current, now=NOW)


# --- two identical submissions at the same moment ----------------------------------------------------


def _race(scene, **changes):
    barrier, results, errors = threading.Barrier(2), [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            results.append(register(scene, **changes))
        except Exception as exc:  # noqa: BLE001  reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite takes one database-wide write lock per transaction, so two "
            "submissions never run at the same moment there and row locks are not exercised"
        )


@pytest.mark.django_db(transaction=True)
def test_two_identical_submissions_at_the_same_moment_give_one_authorization(
    postgres_only, ref, make_user
):
    scene = build_scene(make_user)
    results = _race(scene)
    assert Authorization.objects.count() == 1
    statuses = sorted(r.request.status for r in results)
    assert statuses == [RequestStatus.APPROVED, RequestStatus.REFUSED]
    refused = next(r.request for r in results if r.request.status == RequestStatus.REFUSED)
    assert [r["code"] for r in refused.refusals] == ["OVERLAP"]


@pytest.mark.django_db(transaction=True)
def test_two_submissions_with_one_idempotency_key_at_the_same_moment_give_one_request(
    postgres_only, ref, make_user
):
    scene = build_scene(make_user)
    results = _race(scene, idempotency_key="same-key-1")
    assert Request.objects.count() == 1 and Authorization.objects.count() == 1
    assert results[0].request == results[1].request
    assert sorted(r.replayed for r in results) == [False, True]
