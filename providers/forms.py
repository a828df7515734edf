"""Forms of the provider-file pages: input shape only; the rules live in services and rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from providers.choices import ImportSource, ProviderKind, ProviderStatus
from providers.models import LevelOfCare, Provider, Region, Site, Town

DATE = forms.DateInput(attrs={"type": "date"})


class ProviderSearchForm(forms.Form):
    q = forms.CharField(label="Name, NPI or Medicaid id", required=False, max_length=100)
    town = forms.ModelChoiceField(Town.objects.only("pk", "name"), required=False)
    region = forms.ModelChoiceField(Region.objects.only("pk", "code", "name"), required=False)
    level_of_care = forms.ModelChoiceField(
        LevelOfCare.objects.only("pk", "code", "name", "sort_order"),
        required=False,
        label="Offers level of care",
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *ProviderKind.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ProviderStatus.choices], required=False
    )


class ProviderForm(forms.ModelForm):
    """The provider's file fields; termination has its own form (date and reason)."""

    status = forms.ChoiceField(
        choices=[(ProviderStatus.ACTIVE, "Active"), (ProviderStatus.SUSPENDED, "Suspended")]
    )

    class Meta:
        model = Provider
        fields = (
            "name",
            "npi",
            "medicaid_id",
            "tax_id",
            "kind",
            "taxonomy",
            "status",
            "dcf_certified",
            "effective_date",
            "practice_street",
            "practice_city",
            "practice_state",
            "practice_zip",
        )
        widgets = {"effective_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.status == ProviderStatus.TERMINATED:
            self.fields["status"].choices = ProviderStatus.choices


class TerminateForm(forms.Form):
    date = forms.DateField(label="Last day in the network", widget=DATE)
    reason = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"size": 60}))


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ("site_number", "name", "street", "town", "zip_code", "phone", "active")


class OfferingForm(forms.Form):
    level_of_care = forms.ModelChoiceField(LevelOfCare.objects.all())
    min_age = forms.IntegerField(min_value=0, max_value=120, initial=0)
    max_age = forms.IntegerField(min_value=0, max_value=120, initial=120)
    effective_from = forms.DateField(label="From", widget=DATE)
    effective_to = forms.DateField(label="To (blank: open-ended)", widget=DATE, required=False)


class OfferingEditForm(OfferingForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["level_of_care"]


class InviteForm(forms.Form):
    email = forms.EmailField(help_text="Also the user name they sign in with.")
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    is_admin = forms.BooleanField(
        required=False, label="Administrator (may manage this organization's staff)"
    )


class ImportUploadForm(forms.Form):
    source = forms.ChoiceField(choices=ImportSource.choices, label="Kind of file")
    file = forms.FileField(help_text="Provider file: CSV or xlsx. NPPES: the CSV.")
    file_date = forms.DateField(
        label="File date", widget=DATE, help_text="Absent providers and offerings end on this date."
    )
    full_file = forms.BooleanField(
        required=False,
        initial=True,
        label="Full file (terminates what it does not list); untick for a delta file",
    )
    apply_now = forms.BooleanField(
        required=False,
        initial=False,
        label="Apply at once (otherwise review the change report first, then apply)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file_date"].initial = timezone.localdate()
