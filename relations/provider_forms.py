"""Forms of provider relations: bulletins (staff) and bed reports (providers). Input shapes only: the
services apply the rules (audience, dates, levels offered, counts) and refuse with their messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from providers.models import LevelOfCare, Region
from relations import rules
from relations.choices import BedGender, BedUnit, BulletinKind
from relations.forms import DATE_INPUT
from relations.models import Bulletin
from relations.services import BedLineInput, BulletinDraft

NOT_OFFERED = "This site does not offer that level of care as a 24-hour service."
NO_UNIT = "Choose the unit (child, adolescent or adult) for this line."
NO_OPEN_COUNT = "Enter the open beds for this line (0 when full)."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


AUDIENCE_CHOICES = (("all", "All providers"), ("some", "Some levels of care and/or regions"))


class BulletinForm(forms.Form):
    kind = forms.ChoiceField(choices=BulletinKind.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))
    audience = forms.ChoiceField(choices=AUDIENCE_CHOICES, widget=forms.RadioSelect, initial="all")
    levels = forms.MultipleChoiceField(
        required=False,
        label="Levels of care",
        widget=forms.CheckboxSelectMultiple,
        help_text="Providers with a site offering one of these",
    )
    regions = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Providers with a site in one of these (with levels: the same site)",
    )
    publish_on = forms.DateField(widget=DATE_INPUT, label="Publish on")
    expires_on = forms.DateField(
        widget=DATE_INPUT, required=False, label="Expires after", help_text="Empty: no expiry"
    )
    attachments = MultipleFileField(required=False, help_text="Documents or images, 10 MB each")

    def __init__(self, *args: Any, bulletin: Bulletin | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = LevelOfCare.objects.values_list("code", "name")
        self.fields["levels"].choices = list(levels)  # type: ignore[attr-defined]
        self.fields["regions"].choices = list(  # type: ignore[attr-defined]
            Region.objects.values_list("code", "name")
        )
        if bulletin is not None and not self.is_bound:
            self.initial.update(
                kind=bulletin.kind,
                title=bulletin.title,
                body=bulletin.body,
                audience="all" if bulletin.audience_all else "some",
                levels=bulletin.audience_levels,
                regions=bulletin.audience_regions,
                publish_on=bulletin.publish_on,
                expires_on=bulletin.expires_on,
            )
        elif not self.is_bound:
            self.initial.setdefault("publish_on", timezone.localdate())

    def draft(self) -> BulletinDraft:
        data = self.cleaned_data
        return BulletinDraft(
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            audience=rules.Audience(
                everyone=data["audience"] == "all",
                levels=frozenset(data["levels"]),
                regions=frozenset(data["regions"]),
            ),
            publish_on=data["publish_on"],
            expires_on=data["expires_on"],
        )


class BedReportForm(forms.Form):
    """A fixed number of line rows (level, unit, gender, open, staffed); rows without a level are
    ignored. Prefilled from the site's latest report, so a twice-daily update is a few keystrokes."""

    ROWS = 8
    note = forms.CharField(max_length=300, required=False)

    def __init__(
        self, *args: Any, levels: Sequence[LevelOfCare], rows: int = ROWS, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.row_count = rows
        self.levels = {str(level.pk): level for level in levels}
        level_choices = [("", "(none)"), *((pk, lvl.name) for pk, lvl in self.levels.items())]
        for i in range(rows):
            self.fields[f"level_{i}"] = forms.ChoiceField(
                choices=level_choices,
                required=False,
                label="Level of care",
                error_messages={"invalid_choice": NOT_OFFERED},
            )
            self.fields[f"unit_{i}"] = forms.ChoiceField(
                choices=BedUnit.choices, label="Unit", required=False
            )
            self.fields[f"gender_{i}"] = forms.ChoiceField(
                choices=BedGender.choices, label="Gender", initial=BedGender.ANY, required=False
            )
            self.fields[f"open_{i}"] = forms.IntegerField(required=False, label="Open beds")
            self.fields[f"staffed_{i}"] = forms.IntegerField(required=False, label="Staffed beds")

    def rows(self) -> list[list[forms.BoundField]]:
        names = ("level", "unit", "gender", "open", "staffed")
        return [[self[f"{name}_{i}"] for name in names] for i in range(self.row_count)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = []
        for i in range(self.row_count):
            level = data.get(f"level_{i}")
            if not level:
                continue
            if not data.get(f"unit_{i}"):
                self.add_error(f"unit_{i}", NO_UNIT)
                continue
            if data.get(f"open_{i}") is None:
                self.add_error(f"open_{i}", NO_OPEN_COUNT)
                continue
            lines.append(
                BedLineInput(
                    level_of_care=self.levels[level],
                    unit=data[f"unit_{i}"],
                    gender=data.get(f"gender_{i}") or BedGender.ANY,
                    open_beds=data[f"open_{i}"],
                    staffed_beds=data.get(f"staffed_{i}"),
                )
            )
        data["lines"] = lines
        return data


def bed_form_initial(lines: Sequence[Any]) -> dict[str, Any]:
    """Initial values from the latest report's lines."""
    initial: dict[str, Any] = {}
    for i, line in enumerate(lines[: BedReportForm.ROWS]):
        initial.update(
            {
                f"level_{i}": str(line.level_of_care_id),
                f"unit_{i}": line.unit,
                f"gender_{i}": line.gender,
                f"open_{i}": line.open_beds,
                f"staffed_{i}": line.staffed_beds,
            }
        )
    return initial
