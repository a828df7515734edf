"""Forms of the review pages: input shapes only; every rule lives in the services and rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from authorizations.choices import Urgency
from authorizations.choices_review import (
    AppealOutcome,
    AppealParty,
    CriterionAnswer,
    DecisionOutcome,
    EpsdtFinding,
    PeerToPeerOutcome,
)
from authorizations.models import DecisionReason, DischargeCode, ReviewCriterion
from authorizations.rules.clinical import (
    CHOICE,
    CLINICAL_FIELDS,
    DATE,
    INTEGER,
    MEDICATIONS,
    MULTI,
)
from authorizations.rules.clocks import NEW_YORK, wall_clock
from providers.models import LevelOfCare

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NewYorkDateTimeField(forms.DateTimeField):
    """A datetime-local input read as New York wall-clock time (DST gaps move forward)."""

    widget = DATETIME_LOCAL

    def to_python(self, value: Any) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        return wall_clock(moment.astimezone(NEW_YORK).replace(tzinfo=None))


def _clinical_field(spec: Any) -> forms.Field:
    required = False  # required-ness depends on initial or concurrent: the service decides
    if spec.kind == CHOICE:
        return forms.ChoiceField(
            label=spec.label,
            required=required,
            choices=[("", "—"), *[(c, c.replace("_", " ")) for c in spec.choices]],
        )
    if spec.kind == MULTI:
        return forms.MultipleChoiceField(
            label=spec.label,
            required=required,
            choices=[(c, c) for c in spec.choices],
            widget=forms.CheckboxSelectMultiple,
        )
    if spec.kind == DATE:
        return forms.CharField(label=spec.label, required=required, widget=DATE_INPUT)
    if spec.kind == INTEGER:
        return forms.CharField(label=spec.label, required=required)
    if spec.kind == MEDICATIONS:
        return forms.CharField(
            label=spec.label,
            required=required,
            help_text=spec.help,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    return forms.CharField(
        label=spec.label, required=required, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClinicalMixin(forms.Form):
    """The structured review data (domain section 3), one field per item."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in CLINICAL_FIELDS:
            self.fields[spec.name] = _clinical_field(spec)

    def clinical(self) -> dict[str, object]:
        return {spec.name: self.cleaned_data.get(spec.name) for spec in CLINICAL_FIELDS}


class IntakeForm(ClinicalMixin):
    """A new prior-authorization request (phone intake by staff, or a provider's web request)."""

    medicaid_id = forms.CharField(label="Member's Medicaid id", max_length=9)
    birth_date = forms.DateField(label="Member's date of birth", widget=DATE_INPUT)
    site = forms.ModelChoiceField(queryset=None, label="Site")  # type: ignore[arg-type]
    level_of_care = forms.ModelChoiceField(
        queryset=LevelOfCare.objects.filter(
            rules__review_path="prior_auth", rules__effective_to__isnull=True
        ).distinct(),
        label="Level of care",
    )
    urgency = forms.ChoiceField(
        choices=[(Urgency.STANDARD, "Standard"), (Urgency.EXPEDITED, "Expedited (urgent)")]
    )
    requested_start = forms.DateField(widget=DATE_INPUT)
    requested_units = forms.IntegerField(
        min_value=1, required=False, help_text="Default: the rule's"
    )
    requested_end = forms.DateField(widget=DATE_INPUT, required=False)
    diagnoses = forms.CharField(help_text="ICD-10-CM codes, principal first, separated by commas")

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.order_fields(
            [
                "medicaid_id",
                "birth_date",
                "site",
                "level_of_care",
                "urgency",
                "requested_start",
                "requested_units",
                "requested_end",
                "diagnoses",
            ]
        )

    def diagnosis_codes(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["diagnoses"].split(",") if c.strip()]


class ConcurrentForm(ClinicalMixin):
    """A continued-stay review of an active authorization."""

    urgency = forms.ChoiceField(
        choices=[(Urgency.URGENT_CONCURRENT, "Urgent concurrent"), (Urgency.STANDARD, "Standard")]
    )
    requested_units = forms.IntegerField(min_value=1, required=False)
    diagnoses = forms.CharField(help_text="Current ICD-10-CM codes, principal first")

    def diagnosis_codes(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["diagnoses"].split(",") if c.strip()]


class ReviewForm(forms.Form):
    """The criteria checklist and what the reviewer does with the request."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.DateField(required=False, widget=DATE_INPUT)
    end = forms.DateField(required=False, widget=DATE_INPUT)
    units = forms.IntegerField(required=False, min_value=0)
    info_requested = forms.CharField(
        required=False, label="Information asked for", widget=forms.Textarea(attrs={"rows": 2})
    )
    info_due_at = NewYorkDateTimeField(required=False, label="Due by (New York time)")
    advisor = forms.ModelChoiceField(queryset=None, required=False)  # type: ignore[arg-type]
    reason_code = forms.ChoiceField(required=False, label="Reason code")
    criterion_code = forms.ChoiceField(required=False, label="Criterion not met")
    explanation = forms.CharField(
        required=False,
        label="Plain-language explanation (what about this member does not meet it)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    epsdt_finding = forms.ChoiceField(
        required=False, label="EPSDT finding", choices=[("", "—"), *EpsdtFinding.choices[1:]]
    )
    epsdt_note = forms.CharField(
        required=False, label="EPSDT explanation", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, criteria: list[ReviewCriterion], advisors: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.criteria = criteria
        self.fields["advisor"].queryset = advisors  # type: ignore[attr-defined]
        reasons = DecisionReason.objects.filter(kind="medical_necessity", active=True)
        self.fields["reason_code"].choices = [("", "—"), *[(r.code, r.label) for r in reasons]]
        self.fields["criterion_code"].choices = [("", "—"), *[(c.code, c.text) for c in criteria]]
        for criterion in criteria:
            self.fields[f"answer_{criterion.code}"] = forms.ChoiceField(
                label=criterion.text,
                choices=CriterionAnswer.choices,
                initial=CriterionAnswer.UNKNOWN,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{criterion.code}"] = forms.CharField(
                required=False, label="Note", max_length=500
            )

    def answers(self) -> dict[str, dict[str, str]]:
        return {
            c.code: {
                "answer": self.cleaned_data.get(f"answer_{c.code}") or "unknown",
                "note": self.cleaned_data.get(f"note_{c.code}") or "",
            }
            for c in self.criteria
        }

    def checklist_rows(self) -> list[tuple[ReviewCriterion, Any, Any]]:
        return [(c, self[f"answer_{c.code}"], self[f"note_{c.code}"]) for c in self.criteria]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(VersionForm):
    assignee = forms.ModelChoiceField(queryset=None, required=False)  # type: ignore[arg-type]

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = reviewers  # type: ignore[attr-defined]


class ExtendForm(VersionForm):
    days = forms.IntegerField(min_value=1, max_value=60)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class InfoForm(VersionForm):
    information = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class AppealForm(forms.Form):
    party = forms.ChoiceField(choices=AppealParty.choices)
    expedited = forms.BooleanField(
        required=False,
        help_text="Waiting 30 days could seriously harm the member's life, health or function",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class AppealDecisionForm(VersionForm):
    outcome = forms.ChoiceField(choices=AppealOutcome.choices, widget=forms.RadioSelect)
    units = forms.IntegerField(required=False, min_value=1)
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class PeerToPeerRequestForm(forms.Form):
    contact = forms.CharField(label="Treating clinician and phone", max_length=200)


class PeerToPeerScheduleForm(VersionForm):
    advisor = forms.ModelChoiceField(queryset=None)  # type: ignore[arg-type]
    scheduled_for = NewYorkDateTimeField()

    def __init__(self, *args: Any, advisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors  # type: ignore[attr-defined]


class PeerToPeerRecordForm(VersionForm):
    outcome = forms.ChoiceField(choices=PeerToPeerOutcome.choices)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class DischargeForm(forms.Form):
    discharged = forms.DateField(widget=DATE_INPUT)
    disposition = forms.ChoiceField()
    delay_days = forms.IntegerField(min_value=0, initial=0)
    delay_reason = forms.ChoiceField(required=False)
    aftercare_date = forms.DateField(required=False, widget=DATE_INPUT)
    aftercare_provider = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = list(DischargeCode.objects.filter(active=True))
        self.fields["disposition"].choices = [
            ("", "—"),
            *[(c.code, c.label) for c in codes if c.kind == "disposition"],
        ]
        self.fields["delay_reason"].choices = [
            ("", "No delay"),
            *[(c.code, c.label) for c in codes if c.kind == "delay_reason"],
        ]


def add_errors(form: forms.Form, error: Any) -> None:
    """Put a service's ValidationError on the form: known fields on the field, others on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
