"""Notices to the member and the treating provider, from templates in English and Spanish.

A notice is rendered once, when it is sent, and stored with the digest of its text: viewing, printing and
the PDF all show the stored text, never a new rendering, so what a person reads later is exactly what
went out. The member's notice is in the member's language (Spanish or English; English for others, with
a Spanish tagline); the provider's is in English. A denial or partial approval states the decision, the
reason code with its plain explanation, the criterion not met, the criteria used (free copy on request),
appeal rights and how to use them, the expedited option and continued benefits (domain section 5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import textwrap
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from authorizations.choices_review import NoticeKind, NoticeLanguage, Recipient, ReviewEvent
from authorizations.models import Appeal, Notice, Request
from authorizations.rules import clocks
from authorizations.rules.review import age_on
from authorizations.selectors_review import clocks_all
from authorizations.services.events import event_record

# Fictional defaults (555 numbers): a deployment sets ASO_NOTICE_CONTACT in its settings.
DEFAULT_CONTACT = {
    "name": "Behavioral Health Partnership",
    "phone": "1-800-555-0100",
    "tty": "711",
    "fax": "1-800-555-0101",
    "address": "Appeals Unit, P.O. Box 2000, Hartford, CT 06101",
    "hearing_office": "Department of Social Services, Office of Legal Counsel, Regulations and "
    "Administrative Hearings, 55 Farmington Avenue, Hartford, CT 06105",
}
SUBJECTS = {
    "en": {
        NoticeKind.APPROVAL: "Your request is approved",
        NoticeKind.PARTIAL_APPROVAL: "Your request is partly approved",
        NoticeKind.DENIAL: "Your request is denied",
        NoticeKind.EXTENSION: "We need more time to decide your request",
        NoticeKind.DEEMED_DENIAL: "We did not decide your request in time",
        NoticeKind.APPEAL_DECISION: "Decision on your appeal",
    },
    "es": {
        NoticeKind.APPROVAL: "Su solicitud fue aprobada",
        NoticeKind.PARTIAL_APPROVAL: "Su solicitud fue aprobada en parte",
        NoticeKind.DENIAL: "Su solicitud fue denegada",
        NoticeKind.EXTENSION: "Necesitamos más tiempo para decidir su solicitud",
        NoticeKind.DEEMED_DENIAL: "No decidimos su solicitud a tiempo",
        NoticeKind.APPEAL_DECISION: "Decisión sobre su apelación",
    },
}
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def contact() -> dict[str, str]:
    return {**DEFAULT_CONTACT, **getattr(settings, "ASO_NOTICE_CONTACT", {})}


def format_day(day: dt.date | None, language: str) -> str:
    """A date as a reader of the language writes it: 'June 1, 2026' / '1 de junio de 2026'."""
    if day is None:
        return ""
    if language == NoticeLanguage.SPANISH:
        return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def member_language(request: Request) -> str:
    return NoticeLanguage.SPANISH if request.member.language == "es" else NoticeLanguage.ENGLISH


def notices_send(
    *,
    request: Request,
    kind: str,
    acting_user: Any,
    appeal: Appeal | None = None,
    sent_at: dt.datetime | None = None,
) -> list[Notice]:
    """Render and store the member's and the provider's notice (in the caller's transaction).
    `sent_at` is now, except for synthetic history."""
    sent_at = sent_at or timezone.now()
    all_clocks = clocks_all()
    notices = []
    for recipient, language in (
        (Recipient.MEMBER, member_language(request)),
        (Recipient.PROVIDER, NoticeLanguage.ENGLISH),
    ):
        template = f"authorizations/notices/{language}/{kind}.txt"
        context = notice_context(
            request=request,
            kind=kind,
            language=language,
            recipient=recipient,
            sent_at=sent_at,
            appeal=appeal,
            all_clocks=all_clocks,
        )
        body = tidy(render_to_string(template, context))
        notice = Notice(
            request=request,
            appeal=appeal,
            kind=kind,
            recipient=recipient,
            language=language,
            template=template,
            subject=SUBJECTS[language][NoticeKind(kind)],
            body=body,
            sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
            sent_at=sent_at,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        notice.full_clean()
        notice.save()
        notices.append(notice)
    event_record(
        request=request,
        kind=ReviewEvent.NOTICE_SENT,
        actor=acting_user,
        detail={"kind": kind, "notice_ids": [n.pk for n in notices]},
    )
    return notices


def tidy(text: str) -> str:
    """Template output as a letter: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def notice_context(
    *,
    request: Request,
    kind: str,
    language: str,
    recipient: str,
    sent_at: dt.datetime,
    appeal: Appeal | None = None,
    all_clocks: tuple[clocks.Clock, ...] | None = None,
) -> dict[str, Any]:
    """Everything a notice template may say, already in the notice's language."""
    es = language == NoticeLanguage.SPANISH
    member = request.member
    all_clocks = all_clocks or clocks_all()
    authorization = getattr(request, "authorization", None)
    reason = request.decision_reason
    criterion = request.decision_criterion
    age = age_on(member.birth_date, request.requested_start)

    def day(value: dt.date | None) -> str:
        return format_day(value, language)

    context = {
        "kind": kind,
        "to_member": recipient == Recipient.MEMBER,
        "notice_date": day(clocks.local_day(sent_at)),
        "contact": contact(),
        "member_name": f"{member.first_name} {member.last_name}",
        "member_id": member.medicaid_id,
        "provider_name": request.site.provider.name,
        "site_name": request.site.name,
        "request": request,
        "level": request.level_of_care.name,
        "received": day(clocks.local_day(request.received_at)),
        "requested_start": day(request.requested_start),
        "requested_end": day(request.requested_end),
        "authorization": authorization,
        "approved_start": day(authorization.start) if authorization else "",
        "approved_end": day(authorization.end) if authorization else "",
        "reason_code": reason.code if reason else "",
        "reason_label": (reason.label_es if es else reason.label) if reason else "",
        "reason_explanation": (reason.explanation_es if es else reason.explanation)
        if reason
        else "",
        "criterion_code": criterion.code if criterion else "",
        "criterion_text": (criterion.text_es if es else criterion.text) if criterion else "",
        "criteria_since": day(criterion.effective_from) if criterion else "",
        "explanation": request.decision_note,
        "under_21": age < 21,
        "epsdt_note": request.epsdt_note,
        "due": clocks.format_local(request.due_at) if request.due_at else "",
        "original_due": clocks.format_local(request.original_due_at)
        if request.original_due_at
        else "",
        "extension_reason": request.extension_reason,
        "appeal_last_day": day(
            clocks.last_day_of_window(sent_at, clocks.APPEAL_FILING_CLOCK, all_clocks)
        ),
        "continued_benefits_last_day": day(
            clocks.last_day_of_window(sent_at, clocks.CONTINUED_BENEFITS_CLOCK, all_clocks)
        ),
        "appeal_days": _amount(all_clocks, clocks.APPEAL_FILING_CLOCK, sent_at),
        "appeal_standard_days": _amount(all_clocks, clocks.APPEAL_CLOCK[False], sent_at),
        "appeal_expedited_hours": _amount(all_clocks, clocks.APPEAL_CLOCK[True], sent_at),
        "hearing_days": _amount(all_clocks, clocks.FAIR_HEARING_CLOCK, sent_at),
        "concurrent": request.kind == "concurrent",
    }
    if appeal is not None:
        context |= _appeal_context(appeal, day)
    return context


def _amount(all_clocks: Any, code: str, sent_at: dt.datetime) -> int:
    return clocks.clock_in_force(all_clocks, code, clocks.local_day(sent_at)).amount


def _appeal_context(appeal: Appeal, day: Any) -> dict[str, Any]:
    return {
        "appeal": appeal,
        "appeal_filed": day(clocks.local_day(appeal.filed_at)),
        "appeal_outcome": appeal.outcome,
        "appeal_explanation": appeal.explanation,
        "hearing_last_day": day(appeal.hearing_last_day),
    }


def notice_pdf(notice: Notice) -> bytes:
    """The stored notice text as a printable PDF (Letter), with its digest in the footer."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Preformatted, SimpleDocTemplate

    buffer = io.BytesIO()
    footer = f"Notice {notice.pk} - sent {clocks.format_local(notice.sent_at)} - sha256 {notice.sha256[:16]}"

    def draw_footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(54, 30, footer)
        canvas.drawRightString(LETTER[0] - 54, 30, str(doc.page))
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, title=notice.subject, leftMargin=54, rightMargin=54
    )
    style = ParagraphStyle("notice", fontName="Helvetica", fontSize=10, leading=13)
    story = [Preformatted(_wrap(notice.body, 95), style)]
    document.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()


def _wrap(text: str, width: int) -> str:
    lines = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        wrapped = textwrap.wrap(line, width=width, subsequent_indent=" " * indent) or [""]
        lines.extend(wrapped)
    return "\n".join(lines)
