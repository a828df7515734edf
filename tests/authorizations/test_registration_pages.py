"""Provider pages: register a service with the rule shown as the level is picked, the printable result,
my registrations and authorizations (filters, CSV), authorization detail with its chain, extensions.
Only the user's own organization's objects, ever."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from aso.core.models import AccessLog
from authorizations.forms.registration import MEMBER_UNKNOWN
from authorizations.models import Authorization, Request
from authorizations.services.registration import registration_submit
from authorizations.views import registration as views
from tests.authorizations.registration_scene import build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_user):
    return build_scene(make_user)


@pytest.fixture
def signed_in(client, scene):
    client.force_login(scene.user)
    return client


def _form(scene, member=None, **changes):
    member = member or scene.adult
    data = {
        "medicaid_id": member.medicaid_id,
        "birth_date": member.birth_date.isoformat(),
        "level_of_care": "OP",
        "site": scene.site.pk,
        "start": timezone.localdate().isoformat(),
        "units": "",
        "diagnoses": "F32.9, f41.1",
        "idempotency_key": "form-key-1",
    }
    return {**data, **changes}


def _registered(scene, member=None, level="OP", **changes):
    args = {
        "acting_user": scene.user,
        "member": member or scene.adult,
        "site_id": scene.site.pk,
        "level_of_care": scene.level(level),
        "start": timezone.localdate(),
        "units": None,
        "diagnoses": ["F32.9"],
    }
    return registration_submit(**{**args, **changes})


def test_the_form_offers_only_the_users_own_sites_and_registration_levels(signed_in, scene):
    page = signed_in.get(reverse("registration:new")).content.decode()
    assert scene.site.name in page and scene.other_site.name not in page
    assert 'value="IOP"' in page and 'value="PSYCH_TEST"' in page and 'value="IP_PSY"' not in page
    assert 'name="idempotency_key"' in page and 'hx-get="/registrations/rule/"' in page


@pytest.mark.parametrize(
    ("level", "start", "says"),
    [
        ("IOP", "2013-06-03", "Needs prior authorization"),
        ("IOP", "2014-02-03", "Approved at once"),
        ("PSYCH_TEST", "2026-02-02", "reviewed by ASO staff"),
        ("IOP", "2012-02-02", "No rule is in force"),
        ("", "", "Pick a service"),
    ],
)
def test_the_rule_is_shown_as_the_level_is_picked(signed_in, level, start, says):
    response = signed_in.get(
        reverse("registration:rule"),
        {"level_of_care": level, "start": start},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and says in body and "<html" not in body


def test_the_rule_panel_gives_the_units_span_and_limits(signed_in):
    body = signed_in.get(
        reverse("registration:rule"), {"level_of_care": "HB_MST", "start": "2026-02-02"}
    ).content.decode()
    assert "404 15-minute units over 122 days" in body and "11 to 17" in body
    assert "DCF-certified providers only" in body


def test_registering_shows_the_authorization_number_on_a_printable_result(signed_in, scene):
    response = signed_in.post(reverse("registration:new"), _form(scene))
    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:request_detail", args=[request.number])
    page = signed_in.get(response["Location"]).content.decode()
    assert request.authorization.number in page and "Print confirmation" in page
    assert "F41.1 Generalized anxiety disorder" in page and "data-print" in page
    assert AccessLog.objects.filter(user=scene.user, subject_id=scene.adult.pk).exists()


def test_submitting_the_same_form_twice_registers_once(signed_in, scene):
    first = signed_in.post(reverse("registration:new"), _form(scene))
    second = signed_in.post(reverse("registration:new"), _form(scene))
    assert first["Location"] == second["Location"] and Request.objects.count() == 1


def test_a_refusal_lists_every_reason_on_the_result_page(signed_in, scene):
    start = (timezone.localdate() - dt.timedelta(days=40)).isoformat()
    response = signed_in.post(
        reverse("registration:new"),
        _form(scene, member=scene.uncovered, units="99", start=start),
        follow=True,
    )
    page = response.content.decode()
    assert "3 rules did not pass" in page
    for code in ("NOT_ELIGIBLE", "TOO_MANY_UNITS", "BACKDATED"):
        assert code in page
    assert Authorization.objects.count() == 0 and Request.objects.get().status == "refused"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_date": "1985-05-06"}, MEMBER_UNKNOWN),
        ({"medicaid_id": "999999999"}, MEMBER_UNKNOWN),
        ({"diagnoses": "F32, X99.9"}, "is a category, not a billable code"),
        ({"medicaid_id": "12345"}, "at least 9 characters"),
        ({"level_of_care": "IP_PSY"}, "Select a valid choice"),
        ({"start": ""}, "This field is required"),
    ],
    ids=["dob-mismatch", "unknown-id", "bad-diagnosis", "short-id", "not-registrable", "no-start"],
)
def test_bad_input_is_explained_and_nothing_is_saved(signed_in, scene, changes, message):
    response = signed_in.post(reverse("registration:new"), _form(scene, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert Request.objects.count() == 0


def test_another_organizations_site_cannot_be_submitted(signed_in, scene):
    response = signed_in.post(reverse("registration:new"), _form(scene, site=scene.other_site.pk))
    assert response.status_code == 400 and Request.objects.count() == 0


def test_my_list_filters_and_shows_only_my_organization(signed_in, scene, make_user):
    approved = _registered(scene).request
    refused = _registered(scene, member=scene.uncovered).request
    outsider = make_user("provider_staff")
    scene.other_provider.staff.create(user=outsider)
    theirs = _registered(scene, acting_user=outsider, site_id=scene.other_site.pk).request
    page = signed_in.get(reverse("registration:list")).content.decode()
    assert approved.number in page and refused.number in page and theirs.number not in page
    filtered = signed_in.get(reverse("registration:list"), {"status": "refused"}).content.decode()
    assert refused.number in filtered and approved.number not in filtered
    by_number = signed_in.get(
        reverse("registration:list"), {"number": approved.authorization.number.lower()}
    ).content.decode()
    assert approved.number in by_number and refused.number not in by_number
    later = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert (
        "Nothing matches"
        in signed_in.get(
            reverse("registration:list"), {"start_from": later, "level_of_care": "OP"}
        ).content.decode()
    )


def test_clinical_staff_see_every_organizations_registrations(client, scene, make_user):
    mine = _registered(scene).request
    client.force_login(make_user("care_manager"))
    assert mine.number in client.get(reverse("registration:list")).content.decode()


# session, user, permissions (1), own organizations (2: list and site filter), count, page, access log
# (2), the navigation's roles (1), and the filter form's levels and sites (3): the same for one row or
# a full page.
LIST_QUERIES = 13


def test_the_list_makes_the_same_number_of_queries_for_one_row_or_many(
    signed_in, scene, django_assert_num_queries
):
    _registered(scene)
    signed_in.get(reverse("registration:list"))  # warm per-process caches
    with django_assert_num_queries(LIST_QUERIES):
        signed_in.get(reverse("registration:list"))
    for level in ("OP_EVAL", "IOP", "METHADONE", "PSYCH_TEST"):
        _registered(scene, level=level)
    _registered(scene, member=scene.uncovered)
    with django_assert_num_queries(LIST_QUERIES):
        response = signed_in.get(reverse("registration:list"))
    assert len(response.context["rows"]) == 6


def test_the_csv_export_has_the_filtered_rows_and_is_logged_and_formula_safe(signed_in, scene):
    scene.adult.last_name = "=HYPERLINK(evil)"
    scene.adult.save()
    approved = _registered(scene).request
    _registered(scene, member=scene.uncovered)
    response = signed_in.get(reverse("registration:export"), {"status": "approved"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["request_number"] for r in rows] == [approved.number]
    assert rows[0]["authorization_number"] == approved.authorization.number
    assert rows[0]["last_name"] == "'=HYPERLINK(evil)"
    log = AccessLog.objects.get(action="export")
    assert list(log.items.values_list("subject_id", flat=True)) == [scene.adult.pk]


def test_a_too_big_export_asks_for_narrower_filters(signed_in, scene, monkeypatch):
    _registered(scene)
    _registered(scene, member=scene.teen)
    monkeypatch.setattr(views, "EXPORT_LIMIT", 1)
    response = signed_in.get(reverse("registration:export"), follow=True)
    assert "narrow the filters" in response.content.decode()


def test_authorization_detail_shows_the_chain_and_history(signed_in, scene):
    first = _registered(scene).authorization
    response = signed_in.post(
        reverse("registration:extend", args=[first.number]),
        {"units": "10", "start": "", "diagnoses": "", "idempotency_key": "ext-1"},
    )
    extension = Authorization.objects.get(previous=first)
    assert response["Location"] == reverse(
        "registration:request_detail", args=[extension.request.number]
    )
    page = signed_in.get(
        reverse("registration:authorization_detail", args=[extension.number])
    ).content.decode()
    assert first.number in page and extension.number in page and "(this one)" in page
    assert "Authorization issued" in page and "Registration approved" in page


def test_the_extension_form_says_when_the_extension_starts(signed_in, scene):
    current = _registered(scene).authorization
    page = signed_in.get(reverse("registration:extend", args=[current.number])).content.decode()
    assert (current.end + dt.timedelta(days=1)).isoformat() in page


def test_a_refused_extension_is_shown_with_its_reason(signed_in, scene):
    current = _registered(scene).authorization
    response = signed_in.post(
        reverse("registration:extend", args=[current.number]),
        {"units": "500", "idempotency_key": "ext-2"},
        follow=True,
    )
    assert "TOO_MANY_UNITS" in response.content.decode()


def test_an_extension_start_that_cannot_be_asked_for_is_explained(signed_in, scene):
    current = _registered(scene).authorization
    late = (current.end + dt.timedelta(days=9)).isoformat()
    response = signed_in.post(
        reverse("registration:extend", args=[current.number]), {"start": late}
    )
    assert response.status_code == 400
    assert "day after the current authorization ends" in response.content.decode()
    assert Request.objects.count() == 1


def test_another_organization_gets_404_for_my_objects(client, scene, make_user):
    authorization = _registered(scene).authorization
    outsider = make_user("provider_staff")
    scene.other_provider.staff.create(user=outsider)
    client.force_login(outsider)
    for url in (
        reverse("registration:request_detail", args=[authorization.request.number]),
        reverse("registration:authorization_detail", args=[authorization.number]),
        reverse("registration:extend", args=[authorization.number]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("registration:extend", args=[authorization.number])).status_code == 404
    )


def test_a_form_sent_again_with_other_values_asks_once_more_instead_of_failing(signed_in, scene):
    signed_in.post(reverse("registration:new"), _form(scene, member=scene.uncovered))  # refused
    again = signed_in.post(reverse("registration:new"), _form(scene))  # Back, corrected, same key
    page = again.content.decode()
    assert again.status_code == 400 and "already sent once" in page
    assert 'value="form-key-1"' not in page  # a fresh key: sending it again registers
    fresh = again.context["form"].data["idempotency_key"]
    final = signed_in.post(reverse("registration:new"), _form(scene, idempotency_key=fresh))
    assert final.status_code == 302 and Authorization.objects.count() == 1
