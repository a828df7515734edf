"""Letters to members about their grievances, in English or Spanish, from templates in
templates/relations/notices/. The text is stored on the GrievanceNotice row as sent."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from relations.choices import GrievanceOutcome, NoticeLanguage
from relations.models import Grievance

MONTHS_ES = (
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
)
OUTCOME_TEXT = {
    NoticeLanguage.ENGLISH: {
        GrievanceOutcome.SUBSTANTIATED: "we found that your concern was justified",
        GrievanceOutcome.NOT_SUBSTANTIATED: "we did not find that your concern was justified",
        GrievanceOutcome.WITHDRAWN: "you withdrew your grievance",
    },
    NoticeLanguage.SPANISH: {
        GrievanceOutcome.SUBSTANTIATED: "encontramos que su preocupación estaba justificada",
        GrievanceOutcome.NOT_SUBSTANTIATED: "no encontramos que su preocupación estuviera justificada",
        GrievanceOutcome.WITHDRAWN: "usted retiró su queja",
    },
}


def format_date(day: dt.date, language: str) -> str:
    """'March 3, 2026' or '3 de marzo de 2026'."""
    if language == NoticeLanguage.SPANISH:
        return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def grievance_notice_text(*, grievance: Grievance, kind: str, language: str, on: dt.date) -> str:
    """The letter of this kind (acknowledgment or resolution) for the grievance, in the language."""
    spanish = language == NoticeLanguage.SPANISH
    context = {
        "grievance": grievance,
        "member": grievance.member,
        "date": format_date(on, language),
        "received": format_date(timezone.localtime(grievance.received_at).date(), language),
        "resolve_by": format_date(grievance.resolve_by, language),
        "category": grievance.category.label_es if spanish else grievance.category.label,
        "outcome": OUTCOME_TEXT[NoticeLanguage(language)].get(
            GrievanceOutcome(grievance.outcome or GrievanceOutcome.WITHDRAWN), ""
        )
        if grievance.outcome
        else "",
    }
    return render_to_string(f"relations/notices/grievance_{kind}.{language}.txt", context).strip()
