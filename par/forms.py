"""Forms of the PAR pages: start a scoring run, upload a claims file."""

from __future__ import annotations

from typing import Any

from django import forms

from par.rules import BAD_PERIOD, ReportingPeriod, period_from_dates, period_from_label


class RunForm(forms.Form):
    """A period as a label (2026Q3, 2026-07, 2026) or as a start and end date."""

    period = forms.CharField(required=False, max_length=10, help_text="2026Q3, 2026-07 or 2026")
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    period_value: ReportingPeriod | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        label, start, end = data.get("period"), data.get("start"), data.get("end")
        try:
            if label and not (start or end):
                self.period_value = period_from_label(label)
            elif start and end and not label:
                self.period_value = period_from_dates(start, end)
            else:
                raise ValueError(BAD_PERIOD)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    @property
    def reporting_period(self) -> ReportingPeriod:
        assert self.period_value is not None, "call is_valid() first"
        return self.period_value

    def job_params(self) -> dict[str, str]:
        p = self.reporting_period
        return {"start": p.start.isoformat(), "end": p.end.isoformat()}


class ClaimsUploadForm(forms.Form):
    file = forms.FileField(help_text="A claims extract CSV (docs/formats/claims.md)")
