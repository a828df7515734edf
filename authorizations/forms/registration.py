"""Forms of the provider registration pages: register a service, extend an authorization, filter the
list. Input checks only; the registration rules live in authorizations.rules.registration."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.utils import timezone

from authorizations.choices import RequestKind, RequestStatus
from authorizations.diagnoses import diagnosis_problems
from authorizations.selectors import member_for_registration, registration_levels
from members.models import MEDICAID_ID_MESSAGE, Member
from providers.models import LevelOfCare, Site

MEMBER_UNKNOWN = "No member matches this Medicaid id and date of birth. Check both and try again."
DIAGNOSES_HELP = "ICD-10-CM codes, principal first, separated by commas (for example F32.9, F41.1)."
SEPARATORS = re.compile(r"[\s,;]+")


class DateInput(forms.DateInput):
    input_type = "date"


def new_idempotency_key() -> str:
    """A key per rendered form: submitting the same form twice gives one registration."""
    return uuid.uuid4().hex


class DiagnosesField(forms.CharField):
    """Codes typed as a list: split, then checked against the shipped ICD-10-CM F chapter."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code for code in SEPARATORS.split(text) if code]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if value:
            problems = diagnosis_problems(value)
            if problems:
                raise forms.ValidationError(problems)


class RegistrationForm(forms.Form):
    medicaid_id = forms.CharField(
        label="Medicaid id", min_length=9, max_length=9, help_text="9 letters or digits"
    )
    birth_date = forms.DateField(label="Date of birth", widget=DateInput)
    level_of_care = forms.ModelChoiceField(
        queryset=LevelOfCare.objects.none(), to_field_name="code", empty_label="Choose a service"
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label=None)
    start = forms.DateField(label="Start date", widget=DateInput)
    units = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="Leave empty for the rule's initial units.",
    )
    diagnoses = DiagnosesField(label="Diagnoses", help_text=DIAGNOSES_HELP)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, sites: Any, rule_url: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"start": timezone.localdate(), "idempotency_key": new_idempotency_key()},
        )
        super().__init__(*args, **kwargs)
        self.member: Member | None = None
        fields: Any = self.fields
        fields["site"].queryset = sites
        fields["level_of_care"].queryset = registration_levels()
        # Show the rule of the level as it is picked (and again when the start date changes).
        htmx = {
            "hx-get": rule_url,
            "hx-trigger": "change",
            "hx-target": "#rule",
            "hx-include": "[name=level_of_care],[name=start]",
        }
        fields["level_of_care"].widget.attrs.update(htmx)
        fields["start"].widget.attrs.update(htmx)

    def clean_medicaid_id(self) -> str:
        value = self.cleaned_data["medicaid_id"].strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{9}", value):
            raise forms.ValidationError(MEDICAID_ID_MESSAGE)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("medicaid_id") and data.get("birth_date"):
            self.member = member_for_registration(
                medicaid_id=data["medicaid_id"], birth_date=data["birth_date"]
            )
            if self.member is None:
                raise forms.ValidationError(MEMBER_UNKNOWN, code="member_unknown")
        return data


class ExtensionForm(forms.Form):
    start = forms.DateField(
        label="Start date",
        required=False,
        widget=DateInput,
        help_text="Leave empty to start the day after the current authorization ends.",
    )
    units = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        help_text="Leave empty for the rule's initial units.",
    )
    diagnoses = DiagnosesField(label="Diagnoses", required=False, help_text=DIAGNOSES_HELP)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)


class RegistrationFilterForm(forms.Form):
    """Filters of "my registrations and authorizations" (all optional)."""

    number = forms.CharField(label="Request or authorization number", required=False, max_length=20)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *RequestStatus.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *RequestKind.choices])
    level_of_care = forms.ModelChoiceField(
        queryset=LevelOfCare.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="Any service",
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="Any site"
    )
    start_from = forms.DateField(label="Starting from", required=False, widget=DateInput)
    start_to = forms.DateField(label="Starting by", required=False, widget=DateInput)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["level_of_care"].queryset = LevelOfCare.objects.order_by("sort_order", "code")
        fields["site"].queryset = sites

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("start_from")
            and data.get("start_to")
            and data["start_from"] > data["start_to"]
        ):
            raise forms.ValidationError("The first date is after the second.")
        return data
