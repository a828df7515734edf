"""The export form: workbook, period (a month or quarter label, or two dates), options."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from aso.core.choices import Agency
from aso.core.jobs import PRIVATE_RESULT
from oversight.catalog import CATALOG, workbook_for
from oversight.choices import ExportFormat
from oversight.rules import export_period
from oversight.services import export_agency

SUPPRESSION_CHOICES = (
    ("default", "As the workbook says (on for public workbooks)"),
    ("on", "Suppress counts from 1 to 10"),
    ("off", "Show every count"),
)


class ExportForm(forms.Form):
    workbook = forms.ChoiceField(choices=())
    agency = forms.ChoiceField(choices=[("", "(my agency)"), *Agency.choices], required=False)
    period = forms.CharField(required=False, max_length=10, help_text="2026Q3 or 2026-07")
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    suppression = forms.ChoiceField(choices=SUPPRESSION_CHOICES, initial="default")
    format = forms.ChoiceField(choices=ExportFormat.choices, initial=ExportFormat.XLSX)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        workbook = self.fields["workbook"]
        assert isinstance(workbook, forms.ChoiceField)
        workbook.choices = [(s.code, s.title) for s in CATALOG.values()]
        if not user.has_role("admin"):
            del self.fields["agency"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["agency_code"] = export_agency(user=self.user, asked=data.get("agency") or None)
            if data.get("workbook"):
                workbook_for(code=data["workbook"], agency=data["agency_code"])
            data["reporting_period"] = export_period(
                label=data.get("period") or "",
                start=data.get("start"),
                end=data.get("end"),
                today=timezone.localdate(),
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def job_params(self) -> dict[str, Any]:
        d = self.cleaned_data
        p = d["reporting_period"]
        suppress = {"default": None, "on": True, "off": False}[d["suppression"]]
        return {
            PRIVATE_RESULT: True,
            "agency": d["agency_code"],
            "workbook": d["workbook"],
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "suppress": suppress,
            "format": d["format"],
        }
