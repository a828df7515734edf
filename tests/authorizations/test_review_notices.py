"""Notices: every required element of a denial in English and Spanish, stored exactly as sent, PDF."""

from __future__ import annotations

import hashlib

import pytest

from authorizations.models import DecisionReason, Notice
from authorizations.services.notices import notice_pdf
from tests.authorizations.review_helpers import build_review_world

# Required elements of a denial notice (domain section 5), as each language writes them.
DENIAL_ELEMENTS = {
    "en": (
        "NOTICE OF DENIAL",  # the decision
        "Reason code MN_ADMISSION_CRITERIA: Admission criteria for this level of care are not met.",
        "The information given does not show the risk or symptoms",  # plain-language reason
        "Criterion not met (IP_PSY_DANGER_SELF): Danger to self",
        "no thoughts of suicide",  # the advisor's specific explanation
        "CRITERIA USED",
        "free copy of these criteria",
        "YOUR RIGHT TO APPEAL",
        "How to appeal: call 1-800-555-0100",
        "(60 days from the date of this notice)",
        "EXPEDITED (FAST) APPEAL",
        "within 72 hours",
        "CONTINUED BENEFITS DURING THE APPEAL",
        "STATE FAIR HEARING",
        "within 120 days",
    ),
    "es": (
        "AVISO DE DENEGACIÓN",
        "Código de motivo MN_ADMISSION_CRITERIA: No se cumplen los criterios de admisión",
        "La información presentada no muestra el riesgo",
        "Criterio que no se cumple (IP_PSY_DANGER_SELF): Peligro para sí mismo",
        "no thoughts of suicide",
        "CRITERIOS UTILIZADOS",
        "copia gratuita de estos criterios",
        "SU DERECHO A APELAR",
        "Cómo apelar: llame al 1-800-555-0100",
        "(60 días a partir de la fecha de este aviso)",
        "APELACIÓN ACELERADA (RÁPIDA)",
        "en un plazo de 72 horas",
        "CONTINUACIÓN DE BENEFICIOS DURANTE LA APELACIÓN",
        "AUDIENCIA IMPARCIAL DEL ESTADO",
        "dentro de los 120 días",
    ),
}


@pytest.fixture
def rw(db, ref, make_user):  # type: ignore[no-untyped-def]
    return build_review_world(make_user)


def _deny_child(rw):  # type: ignore[no-untyped-def]
    request = rw.submit(member=rw.child)
    return rw.deny(
        request,
        epsdt_finding="not_met",
        epsdt_note="Intensive in-home services meet the child's needs safely this week.",
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_denial_notice_has_every_required_element(rw, language):
    member = rw.child if language == "es" else rw.adult
    request = rw.submit(member=member)
    if language == "es":
        _deny_child(rw)
        request = type(request).objects.filter(member=rw.child).latest("pk")
    else:
        rw.deny(request)
    notice = Notice.objects.get(request=request, recipient="member", kind="denial")
    assert notice.language == language
    missing = [element for element in DENIAL_ELEMENTS[language] if element not in notice.body]
    assert not missing, f"{language} denial notice lacks: {missing}"
    assert "&#x27;" not in notice.body and "&amp;" not in notice.body  # text, not HTML


def test_the_spanish_member_notice_of_a_child_carries_the_epsdt_review(rw):
    request = _deny_child(rw)
    member_notice = Notice.objects.get(request=request, recipient="member")
    provider_notice = Notice.objects.get(request=request, recipient="provider")
    assert member_notice.language == "es" and provider_notice.language == "en"
    assert "REVISIÓN EPSDT" in member_notice.body and "in-home services" in member_notice.body
    assert "EPSDT REVIEW (MEMBERS UNDER 21)" in provider_notice.body
    assert "PEER-TO-PEER" in provider_notice.body and "PEER-TO-PEER" not in member_notice.body


def test_the_provider_denial_notice_in_english_has_every_element(rw):
    request = rw.deny(rw.submit())
    body = Notice.objects.get(request=request, recipient="provider").body
    assert [e for e in DENIAL_ELEMENTS["en"] if e not in body] == []
    assert "To: River Hospital, River Hospital Hartford" in body


def test_partial_approval_notices_state_the_part_approved_and_the_denial_elements(rw):
    request = rw.submit()
    request = rw.deny(
        request,
        outcome="approve",
        units=2,
        start=request.requested_start,
        end=request.requested_end.replace(day=2),
        reason_code="MN_FEWER_UNITS",
    )
    body = Notice.objects.get(request=request, recipient="member").body
    assert (
        "NOTICE OF PARTIAL APPROVAL" in body and "2 units from June 1, 2026 to June 2, 2026" in body
    )
    for element in ("YOUR RIGHT TO APPEAL", "EXPEDITED (FAST) APPEAL", "CONTINUED BENEFITS"):
        assert element in body


@pytest.mark.parametrize("language", ["en", "es"])
def test_approval_and_extension_notices_render_in_both_languages(rw, language):
    from authorizations.services.review import request_extend
    from tests.authorizations.review_helpers import ny

    member = rw.child if language == "es" else rw.adult
    request = rw.submit(member=member, urgency="standard")
    request = request_extend(
        acting_user=rw.users["care_manager"],
        request=request,
        expected_version=1,
        days=7,
        reason="We asked the school and the pediatrician for the records we need.",
        now=ny(2026, 6, 2, 9, 0),
    )
    rw.approve(request)
    extension = Notice.objects.get(request=request, recipient="member", kind="extension")
    approval = Notice.objects.get(request=request, recipient="member", kind="approval")
    if language == "es":
        assert "AVISO DE EXTENSIÓN" in extension.body and "presentar una queja" in extension.body
        assert "Número de autorización: A26-" in approval.body
    else:
        assert "NOTICE OF EXTENSION" in extension.body and "file a grievance" in extension.body
        assert "Authorization number: A26-" in approval.body
    assert "We asked the school" in extension.body


def test_a_sent_notice_is_stored_exactly_as_sent(rw):
    request = rw.deny(rw.submit())
    notice = Notice.objects.get(request=request, recipient="member")
    before = notice.body
    DecisionReason.objects.filter(code="MN_ADMISSION_CRITERIA").update(
        explanation="A different text written later."
    )
    notice.refresh_from_db()
    assert notice.body == before
    assert notice.sha256 == hashlib.sha256(before.encode("utf-8")).hexdigest()


def test_the_pdf_is_the_stored_text(rw):
    request = rw.deny(rw.submit())
    notice = Notice.objects.get(request=request, recipient="member")
    pdf = notice_pdf(notice)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
