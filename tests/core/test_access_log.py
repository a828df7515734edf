import pytest
from django.test import RequestFactory

from aso.core.audit import access_log_record
from aso.core.choices import AccessAction
from aso.core.models import AccessLog
from members.models import Member

pytestmark = pytest.mark.django_db


def _member(n: int) -> Member:
    return Member.objects.create(
        medicaid_id=f"{n:09d}", last_name="Test", first_name="Pat", birth_date="2000-01-01"
    )


def test_one_read_of_one_member_records_who_what_and_where(make_user):
    user, member = make_user("care_manager"), _member(1)
    request = RequestFactory().get("/members/1/", REMOTE_ADDR="10.1.2.3")
    log = access_log_record(user=user, subject=member, request=request, purpose="member detail")
    stored = AccessLog.objects.get(pk=log.pk)
    assert (stored.user, stored.subject_id, stored.subject_count) == (user, member.pk, 1)
    assert stored.subject_type.model == "member" and stored.ip_address == "10.1.2.3"
    assert stored.action == AccessAction.VIEW


def test_an_export_records_every_member_it_named(make_user):
    members = [_member(n) for n in range(1, 8)]
    log = access_log_record(
        user=make_user("agency_viewer"),
        action=AccessAction.EXPORT,
        subject_model=Member,
        subject_ids=[m.pk for m in members],
        purpose="detail workbook",
    )
    assert log.subject_count == 7
    assert sorted(log.items.values_list("subject_id", flat=True)) == sorted(m.pk for m in members)
