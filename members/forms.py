"""Forms of the eligibility pages: the check, the member search, the file upload."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from members.choices import LoadFormat, LoadMode
from members.models import medicaid_id_validator

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
SEARCH_NEEDS = "Search by Medicaid id, or by last name and date of birth."


class MedicaidIdField(forms.CharField):
    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(max_length=9, min_length=9, label="Medicaid id", **kwargs)

    def to_python(self, value):  # type: ignore[no-untyped-def]
        return (super().to_python(value) or "").strip().upper()


class EligibilityCheckForm(forms.Form):
    """A provider's question: this id, this date of birth, covered on this date of service?"""

    medicaid_id = MedicaidIdField(validators=[medicaid_id_validator])
    birth_date = forms.DateField(label="Date of birth", widget=DATE_WIDGET)
    service_date = forms.DateField(label="Date of service", widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["service_date"].initial = timezone.localdate()


class MemberSearchForm(forms.Form):
    """Staff search: an exact Medicaid id, or a last name (starts with) and a date of birth."""

    medicaid_id = MedicaidIdField(required=False)
    last_name = forms.CharField(max_length=60, required=False)
    first_name = forms.CharField(max_length=60, required=False)
    birth_date = forms.DateField(label="Date of birth", required=False, widget=DATE_WIDGET)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not data.get("medicaid_id") and not (data.get("last_name") and data.get("birth_date")):
            raise forms.ValidationError(SEARCH_NEEDS)
        return data


class LoadUploadForm(forms.Form):
    """An eligibility file from the state, and how to read it when the file does not say."""

    file = forms.FileField(label="Eligibility file (CSV in our layout, or X12 834)")
    mode = forms.ChoiceField(
        choices=[("", "As the file says (834 BGN08; CSV: changes only)"), *LoadMode.choices],
        required=False,
    )
    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=DATE_WIDGET,
        help_text="The date the file speaks for (default: the 834's date, or today).",
    )
    file_format = forms.ChoiceField(
        label="Format", choices=[("", "Detect"), *LoadFormat.choices], required=False
    )
    validate_x12 = forms.BooleanField(
        label="834: validate with pyx12 first (about 0.7 ms a member)", required=False, initial=True
    )
