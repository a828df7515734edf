"""The printable plan of care in English or Spanish: the headings and labels per language.
The family's own words (needs, goals, ...) are printed as written."""

from __future__ import annotations

import datetime as dt

from care.choices.vcm import PlanLanguage, TeamKind

MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip

LABELS: dict[str, dict[str, str]] = {
    PlanLanguage.EN: {
        "title": "Family plan of care",
        "program": "Voluntary Care Management",
        "version": "Version",
        "effective": "In effect from",
        "review": "Next review",
        "needs": "Our needs",
        "strengths": "Our strengths",
        "goals": "Our goals",
        "goal": "Goal",
        "indicator": "How we will know",
        "team": "Our team",
        "name": "Name",
        "role": "Role",
        "services": "Services and supports",
        "service": "Service",
        "with": "With",
        "signature": "Family signature",
        "date": "Date",
        "none": "None written yet.",
    },
    PlanLanguage.ES: {
        "title": "Plan de cuidado familiar",
        "program": "Manejo de Cuidado Voluntario",
        "version": "Versión",
        "effective": "Vigente desde",
        "review": "Próxima revisión",
        "needs": "Nuestras necesidades",
        "strengths": "Nuestras fortalezas",
        "goals": "Nuestras metas",
        "goal": "Meta",
        "indicator": "Cómo sabremos que la logramos",
        "team": "Nuestro equipo",
        "name": "Nombre",
        "role": "Papel",
        "services": "Servicios y apoyos",
        "service": "Servicio",
        "with": "Con",
        "signature": "Firma de la familia",
        "date": "Fecha",
        "none": "Todavía no se ha escrito nada.",
    },
}

KINDS: dict[str, dict[str, str]] = {
    PlanLanguage.EN: {k.value: k.label for k in TeamKind},
    PlanLanguage.ES: {
        TeamKind.FAMILY: "Familia",
        TeamKind.NATURAL: "Apoyo natural",
        TeamKind.PROVIDER: "Proveedor",
        TeamKind.SCHOOL: "Escuela",
        TeamKind.OTHER: "Otro",
    },
}


def date_in(day: dt.date, language: str) -> str:
    if language == PlanLanguage.ES:
        return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"
