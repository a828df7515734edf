"""Forms of the ICM pages: input shapes only; the services decide."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from care.choices.icm import ClosedReason, ContactChannel

CLOSING_REASONS = [(c.value, c.label) for c in ClosedReason if c != ClosedReason.TRANSFERRED]


class IcmChoiceForm(forms.Form):
    """Pick an ICM; the reason is required only to go over the cap (checked by the service)."""

    icm = forms.TypedChoiceField(label="Intensive care manager", coerce=int)
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_cap = forms.BooleanField(
        label="Go over the caseload cap (supervisor override; give the reason)", required=False
    )

    def __init__(self, *args: object, icm_choices: Sequence[tuple[int, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["icm"].choices = [("", "Choose an ICM"), *icm_choices]


class DismissForm(forms.Form):
    reason = forms.CharField(label="Why not now", widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    closed_reason = forms.ChoiceField(label="Why it ends", choices=CLOSING_REASONS)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label="When",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(label="How", choices=ContactChannel.choices)
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(forms.Form):
    medicaid_id = forms.CharField(label="Medicaid id", max_length=9)
    reason = forms.CharField(
        label="Why the member needs intensive care management",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
