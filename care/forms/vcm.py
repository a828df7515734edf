"""Forms of the VCM pages: input shapes only; the services decide.

Plan lists are typed one item per line; goals as ``goal | indicator``; team members as
``kind | name | role`` with an optional ``| NPI`` for a provider; services as
``service | npi:NPI`` or ``service | resource:ID``.
"""

from __future__ import annotations

from typing import Any

from django import forms

from care.choices.vcm import AttemptChannel, AttemptOutcome
from care.models import VcmDischargeReason, VcmProblemCategory
from providers.models import Provider, Region, Town

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LINES = forms.Textarea(attrs={"rows": 4})


class ReferralForm(forms.Form):
    agency_referral_id = forms.CharField(label="Agency referral id", max_length=40)
    received_at = forms.DateTimeField(label="Received", widget=DATETIME)
    child_first_name = forms.CharField(label="Child's first name", max_length=60)
    child_last_name = forms.CharField(label="Child's last name", max_length=60)
    child_birth_date = forms.DateField(label="Child's date of birth", widget=DATE)
    town = forms.ModelChoiceField(queryset=Town.objects.order_by("name"))
    problem = forms.ModelChoiceField(
        label="Primary problem", queryset=VcmProblemCategory.objects.all(), to_field_name="code"
    )
    reason = forms.CharField(label="Reason for referral", widget=forms.Textarea(attrs={"rows": 3}))
    other_insurance_explored = forms.BooleanField(label="Other insurance explored", required=False)
    other_insurance_note = forms.CharField(label="Other insurance", required=False, max_length=200)
    consent = forms.BooleanField(label="The family consents to take part", required=False)
    caregiver_first_name = forms.CharField(label="Caregiver's first name", max_length=60)
    caregiver_last_name = forms.CharField(label="Caregiver's last name", max_length=60)
    caregiver_relationship = forms.CharField(label="Relationship to the child", max_length=40)
    caregiver_phone = forms.CharField(label="Phone", max_length=20, required=False)
    caregiver_email = forms.EmailField(label="Email", required=False)
    caregiver_language = forms.ChoiceField(
        label="Preferred language",
        choices=[("en", "English"), ("es", "Spanish"), ("pt", "Portuguese"), ("pl", "Polish")],
    )


class AttemptForm(forms.Form):
    occurred_at = forms.DateTimeField(label="When", widget=DATETIME)
    channel = forms.ChoiceField(choices=AttemptChannel.choices)
    outcome = forms.ChoiceField(choices=AttemptOutcome.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EngageForm(forms.Form):
    on = forms.DateField(label="Family engaged on", widget=DATE)


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label="Discharged on", widget=DATE)
    reason = forms.ModelChoiceField(queryset=VcmDischargeReason.objects.all(), to_field_name="code")
    services_met_needs = forms.BooleanField(
        label="Connected to services that met the child's needs", required=False
    )
    goals_met = forms.BooleanField(label="The youth met the plan's goals", required=False)
    satisfaction = forms.TypedChoiceField(
        label="Satisfaction survey",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "No answer"), *[(n, str(n)) for n in range(1, 6)]],
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _parts(line: str) -> list[str]:
    return [part.strip() for part in line.split("|")]


def _provider_id(npi: str) -> int:
    provider = Provider.objects.filter(npi=npi.strip()).first()
    if provider is None:
        raise forms.ValidationError(f"No provider with NPI {npi.strip()}.")
    return provider.pk


class PlanForm(forms.Form):
    effective_on = forms.DateField(label="Family agreed on (effective)", widget=DATE)
    next_review = forms.DateField(label="Next review", widget=DATE)
    needs = forms.CharField(label="Needs (one a line)", widget=LINES, required=False)
    strengths = forms.CharField(label="Strengths (one a line)", widget=LINES, required=False)
    goals = forms.CharField(label="Goals: goal | measurable indicator", widget=LINES)
    team = forms.CharField(
        label="Team: kind (family, natural, provider, school, other) | name | role [| NPI]",
        widget=LINES,
    )
    services = forms.CharField(
        label="Services and supports: service | npi:NPI or resource:ID",
        widget=LINES,
        required=False,
    )
    change_note = forms.CharField(label="What changed", required=False, max_length=200)

    def clean_goals(self) -> list[dict[str, str]]:
        goals = []
        for line in _lines(self.cleaned_data["goals"]):
            parts = _parts(line) + [""]
            goals.append({"goal": parts[0], "indicator": parts[1]})
        return goals

    def clean_team(self) -> list[dict[str, Any]]:
        team = []
        for line in _lines(self.cleaned_data["team"]):
            parts = _parts(line) + ["", "", ""]
            npi = parts[3]
            team.append(
                {
                    "kind": parts[0].lower(),
                    "name": parts[1],
                    "role": parts[2],
                    "provider_id": _provider_id(npi) if npi else None,
                }
            )
        return team

    def clean_services(self) -> list[dict[str, Any]]:
        services = []
        for line in _lines(self.cleaned_data["services"]):
            parts = _parts(line) + [""]
            link = parts[1].lower()
            item: dict[str, Any] = {"service": parts[0]}
            if link.startswith("npi:"):
                item["provider_id"] = _provider_id(link[4:])
            elif link.startswith("resource:") and link[9:].strip().isdigit():
                item["resource_id"] = int(link[9:])
            elif link:
                raise forms.ValidationError(f"Write npi:NPI or resource:ID, not {parts[1]!r}.")
            services.append(item)
        return services


class ResourceSearchForm(forms.Form):
    town = forms.ModelChoiceField(
        queryset=Town.objects.order_by("name"), required=False, empty_label="Any town"
    )
    need = forms.CharField(required=False, max_length=60)
    age = forms.IntegerField(required=False, min_value=0, max_value=25)


class ResourceImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (.xlsx): name, type, towns, min_age, max_age, languages, needs, "
        "phone, email, website"
    )


class OutcomeForm(forms.Form):
    start = forms.DateField(widget=DATE)
    end = forms.DateField(widget=DATE)
    grain = forms.ChoiceField(choices=[("month", "Month"), ("quarter", "Quarter")])
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="Every region",
    )
