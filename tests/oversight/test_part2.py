"""42 CFR Part 2: substance-use authorizations appear in member-level rows only under a consent that
covers the recipient on the export date (present, absent, expired, revoked, another agency's), with the
redisclosure notice; every disclosure is logged."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from aso.core.models import AccessLog, AccessLogItem
from oversight import sheets
from oversight.models import Consent
from oversight.rules import ConsentTerms, consent_covers
from oversight.services import REDISCLOSURE_LABEL, REDISCLOSURE_NOTICE, oversight_export_run
from tests.oversight.conftest import AT, Q2

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _consent(scene, **kw) -> Consent:  # type: ignore[no-untyped-def]
    fields = {
        "member": scene.members["adult"],
        "recipient": "DMHAS",
        "scope": "utilization",
        "effective": D("2026-01-01"),
    }
    fields.update(kw)
    consent = Consent(**fields)
    consent.full_clean()
    consent.save()
    return consent


def _detail(scene, agency="DMHAS"):  # type: ignore[no-untyped-def]
    return [r[1] for r in sheets.authorization_detail(scene.ctx(agency)).rows]


def test_absent_consent_leaves_the_rows_out(scene):
    assert _detail(scene) == []
    assert sheets.withheld_count(scene.ctx("DMHAS")) == 2


def test_a_consent_in_force_lets_the_member_rows_in(scene):
    _consent(scene)
    assert _detail(scene) == ["OA-detox"]
    assert sheets.withheld_count(scene.ctx("DMHAS")) == 1  # the other adult has no consent


@pytest.mark.parametrize(
    "kw",
    [
        {"expires": D("2026-10-31")},  # expired before the export date (Nov 1 2026)
        {"effective": D("2026-11-02")},  # not yet in force
        {"revoked_at": AT - dt.timedelta(days=1)},
        {"recipient": "DSS"},  # names another agency
        {"scope": "payment_only"},
    ],
    ids=["expired", "not yet", "revoked", "other recipient", "narrow scope"],
)
def test_a_consent_that_does_not_cover_leaves_the_rows_out(scene, kw):
    _consent(scene, **kw)
    assert _detail(scene) == []


def test_the_database_agrees_with_the_pure_rule(scene):
    cases = [
        {},
        {"expires": D("2026-11-01")},
        {"expires": D("2026-10-31")},
        {"revoked_at": AT + dt.timedelta(hours=1)},
        {"revoked_at": AT - dt.timedelta(hours=1)},
    ]
    for kw in cases:
        Consent.objects.all().delete()
        consent = _consent(scene, **kw)
        terms = ConsentTerms(
            consent.recipient, consent.scope, consent.effective, consent.expires, consent.revoked_at
        )
        expected = consent_covers(terms, recipient="DMHAS", at=AT, on=D("2026-11-01"))
        assert (_detail(scene) == ["OA-detox"]) is expected, kw


def test_a_consent_cannot_expire_before_it_starts(scene):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot expire before"):
        _consent(scene, expires=D("2025-12-31"))


def test_revoking_keeps_history(scene):
    consent = _consent(scene)
    consent.revoked_at = AT
    consent.save()
    assert consent.history.count() == 2


def test_an_export_carrying_substance_use_rows_has_the_notice_and_logs_the_disclosure(
    scene, agency_user, tmp_path
):
    _consent(scene)
    user = agency_user("DMHAS")
    result = oversight_export_run(
        acting_user=user,
        agency="DMHAS",
        workbook="authorization_detail",
        period=Q2,
        directory=tmp_path,
        at=AT,
    )
    assert result.notices == [REDISCLOSURE_LABEL]
    book = openpyxl.load_workbook(result.path)
    definitions = {r[0]: r[1] for r in book["Definitions"].iter_rows(values_only=True) if r[0]}
    assert definitions[REDISCLOSURE_LABEL] == REDISCLOSURE_NOTICE
    assert "1 substance-use authorization(s) left out" in definitions["Substance-use records"]
    rows = list(book["Authorizations"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4]) for r in rows] == [("300000003", "yes")]
    adult = scene.members["adult"].pk
    export = AccessLog.objects.get(user=user, action="export")
    disclose = AccessLog.objects.get(user=user, action="disclose")
    assert list(AccessLogItem.objects.filter(log=export).values_list("subject_id", flat=True)) == [
        adult
    ]
    assert list(
        AccessLogItem.objects.filter(log=disclose).values_list("subject_id", flat=True)
    ) == [adult]
    assert "42 CFR Part 2" in disclose.purpose


def test_an_export_without_substance_use_rows_has_no_notice(scene, agency_user, tmp_path):
    user = agency_user("DMHAS")
    result = oversight_export_run(
        acting_user=user,
        agency="DMHAS",
        workbook="authorization_detail",
        period=Q2,
        directory=tmp_path,
        at=AT,
    )
    assert result.notices == []
    book = openpyxl.load_workbook(result.path)
    labels = [r[0] for r in book["Definitions"].iter_rows(values_only=True)]
    assert REDISCLOSURE_LABEL not in labels
    assert not AccessLog.objects.filter(user=user, action="disclose").exists()
    assert AccessLog.objects.get(user=user, action="export").subject_count == 0


def test_consents_are_recorded_and_revoked_through_services(scene, agency_user):
    from oversight.services import ALREADY_REVOKED, consent_record, consent_revoke

    staff = agency_user("", role="admin")
    consent = consent_record(
        acting_user=staff,
        member=scene.members["adult"],
        recipient="DMHAS",
        scope="utilization",
        effective=D("2026-01-01"),
    )
    assert _detail(scene) == ["OA-detox"]
    consent_revoke(acting_user=staff, consent=consent, at=AT - dt.timedelta(hours=1))
    assert _detail(scene) == []
    assert [h.history_user for h in consent.history.order_by("history_id")] == [staff, staff]
    with pytest.raises(ValueError, match=ALREADY_REVOKED):
        consent_revoke(acting_user=staff, consent=consent)


def test_rows_without_the_notice_stop_the_export(scene, agency_user, tmp_path, monkeypatch):
    from oversight import services

    _consent(scene)
    real = services.detail_queryset
    monkeypatch.setattr(services, "detail_queryset", lambda ctx: real(ctx).none())
    user = agency_user("DMHAS")
    with pytest.raises(RuntimeError, match="without the redisclosure notice"):
        oversight_export_run(
            acting_user=user,
            agency="DMHAS",
            workbook="authorization_detail",
            period=Q2,
            directory=tmp_path,
            at=AT,
        )
    assert list(tmp_path.iterdir()) == []
    assert not AccessLog.objects.filter(user=user).exists()
