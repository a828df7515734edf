"""Forms of the service line (contacts, grievances, referrals): input shapes only; the rules live in
rules.py and are applied by the services. Members are looked up by Medicaid id typed into a POST body,
never carried in a URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from members.models import Member
from providers.models import LevelOfCare, Provider, Region, Town
from relations.choices import (
    CallerType,
    ContactChannel,
    ContactOutcome,
    GrievanceFiler,
    GrievanceOutcome,
    Language,
    NoticeLanguage,
)
from relations.models import ContactCategory, GrievanceCategory
from relations.selectors import care_managers, member_by_medicaid_id

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNKNOWN_MEMBER = "No member has this Medicaid id."
UNKNOWN_PROVIDER = "No provider has this NPI or Medicaid provider id."


def _blank(choices: Any, label: str = "Any") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class MemberLookupMixin:
    """A `medicaid_id` field resolved to `cleaned_data["member"]` for the signed-in user."""

    user: Any

    def clean_medicaid_id(self) -> str:
        value = self.cleaned_data.get("medicaid_id", "").strip().upper()  # type: ignore[attr-defined]
        self.cleaned_data["member"] = None  # type: ignore[attr-defined]
        if value:
            member = member_by_medicaid_id(user=self.user, medicaid_id=value)
            if member is None:
                raise forms.ValidationError(UNKNOWN_MEMBER)
            self.cleaned_data["member"] = member  # type: ignore[attr-defined]
        return value


class ContactSearchForm(forms.Form):
    date_from = forms.DateField(required=False, widget=DATE_INPUT, label="From")
    date_to = forms.DateField(required=False, widget=DATE_INPUT, label="To")
    category = forms.ModelChoiceField(
        ContactCategory.objects.all(), required=False, empty_label="Any"
    )
    caller_type = forms.ChoiceField(choices=_blank(CallerType.choices), required=False)
    channel = forms.ChoiceField(choices=_blank(ContactChannel.choices), required=False)
    outcome = forms.ChoiceField(choices=_blank(ContactOutcome.choices), required=False)
    mine = forms.BooleanField(required=False, label="Taken by me")


class MemberFindForm(forms.Form):
    medicaid_id = forms.CharField(label="Medicaid id", max_length=9)


class ContactForm(MemberLookupMixin, forms.Form):
    received_at = forms.DateTimeField(widget=DATETIME_INPUT, label="Received")
    caller_type = forms.ChoiceField(choices=CallerType.choices, label="Caller")
    channel = forms.ChoiceField(choices=ContactChannel.choices, initial=ContactChannel.PHONE)
    category = forms.ModelChoiceField(ContactCategory.objects.filter(active=True))
    medicaid_id = forms.CharField(
        label="Member's Medicaid id", max_length=9, required=False, help_text="If about a member"
    )
    provider_id = forms.CharField(
        label="Calling provider's NPI or Medicaid provider id", max_length=20, required=False
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    outcome = forms.ChoiceField(choices=ContactOutcome.choices)
    warm_transfer_to = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  set in __init__
        required=False,
        label="Warm transfer to",
        empty_label="(no transfer)",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["warm_transfer_to"].queryset = care_managers()  # type: ignore[attr-defined]
        self.fields["warm_transfer_to"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.get_full_name() or u.username
        )
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0))

    def clean_provider_id(self) -> str:
        value = self.cleaned_data.get("provider_id", "").strip()
        self.cleaned_data["provider"] = None
        if value:
            provider = Provider.objects.filter(npi=value).first() or (
                Provider.objects.filter(medicaid_id=value).first()
            )
            if provider is None:
                raise forms.ValidationError(UNKNOWN_PROVIDER)
            self.cleaned_data["provider"] = provider
        return value


class GrievanceForm(MemberLookupMixin, forms.Form):
    """A member and a category are required by the service (which refuses with its own message)."""

    medicaid_id = forms.CharField(label="Member's Medicaid id", max_length=9, required=False)
    category = forms.ModelChoiceField(
        GrievanceCategory.objects.filter(active=True), required=False, empty_label="(choose)"
    )
    received_at = forms.DateTimeField(widget=DATETIME_INPUT, label="Received")
    filed_by = forms.ChoiceField(choices=GrievanceFiler.choices, label="Filed by")
    channel = forms.ChoiceField(choices=ContactChannel.choices, initial=ContactChannel.PHONE)
    about_provider_id = forms.CharField(
        label="About a provider (NPI or Medicaid provider id)", max_length=20, required=False
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    notice_language = forms.ChoiceField(
        choices=_blank(NoticeLanguage.choices, "The member's language"),
        required=False,
        label="Notices in",
    )
    contact = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0))

    def clean_about_provider_id(self) -> str:
        value = self.cleaned_data.get("about_provider_id", "").strip()
        self.cleaned_data["about_provider"] = None
        if value:
            provider = Provider.objects.filter(npi=value).first() or (
                Provider.objects.filter(medicaid_id=value).first()
            )
            if provider is None:
                raise forms.ValidationError(UNKNOWN_PROVIDER)
            self.cleaned_data["about_provider"] = provider
        return value


class AcknowledgeForm(forms.Form):
    acknowledged_at = forms.DateTimeField(
        widget=DATETIME_INPUT, required=False, label="Acknowledged", help_text="Empty: now"
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=_blank(GrievanceOutcome.choices, "(choose)"), required=False
    )
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="What was found and done, as the member will read it, in the notice language.",
    )
    notice_language = forms.ChoiceField(choices=NoticeLanguage.choices, label="Notice in")
    resolved_at = forms.DateTimeField(
        widget=DATETIME_INPUT, required=False, label="Resolved", help_text="Empty: now"
    )


class GrievanceReportForm(forms.Form):
    start = forms.DateField(widget=DATE_INPUT, label="Received from")
    end = forms.DateField(widget=DATE_INPUT, label="through")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end of the period is before its start.")
        return data


class ReferralSearchForm(forms.Form):
    level_of_care = forms.ModelChoiceField(LevelOfCare.objects.all(), empty_label="(choose)")
    town = forms.ModelChoiceField(Town.objects.all(), required=False, empty_label="Any town")
    region = forms.ModelChoiceField(
        Region.objects.all(), required=False, empty_label="Any region", help_text="If no town"
    )
    age = forms.IntegerField(min_value=0, max_value=120, required=False)
    language = forms.ChoiceField(choices=_blank(Language.choices), required=False)
    contact = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReferralRecordForm(MemberLookupMixin, ReferralSearchForm):
    sites = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    medicaid_id = forms.CharField(label="Member's Medicaid id", max_length=9, required=False)
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        posted = self.data.getlist("sites") if hasattr(self.data, "getlist") else []
        self.fields["sites"].choices = [(value, value) for value in posted]  # type: ignore[attr-defined]


def member_label(member: Member | None) -> str:
    return f"{member.first_name} {member.last_name} ({member.medicaid_id})" if member else ""
