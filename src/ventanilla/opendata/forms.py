"""The back office's forms for publishing open data: input shapes only; the catalogue's
rules are the services' (their errors are put back on these forms' fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.opendata.licences import DEFAULT_LICENCE, LICENCES
from ventanilla.opendata.models import Group
from ventanilla.opendata.services import DatasetFields


class DatasetForm(forms.Form):
    name = forms.CharField(
        label=_("Short name for the address"),
        help_text=_("Lower-case letters, digits and hyphens, for example road-works-2026."),
        max_length=100,
        required=False,  # the catalogue's rules check it, with the other fields
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Description"),
        help_text=_("What the data is, where it comes from and how often it changes."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )
    license_id = forms.ChoiceField(
        label=_("Licence"),
        choices=[(licence.id, licence.title) for licence in LICENCES.values()],
        initial=DEFAULT_LICENCE,
    )
    tags = forms.CharField(
        label=_("Tags"),
        help_text=_("Separate them with commas, for example: roads, transport."),
        required=False,
        max_length=1000,
    )
    groups = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(group.name, group.local_title) for group in Group.objects.order_by("name")]
        groups = self.fields["groups"]
        assert isinstance(groups, forms.MultipleChoiceField)  # noqa: S101 - declared above
        groups.choices = choices
        if not choices:
            del self.fields["groups"]

    def dataset_fields(self) -> DatasetFields:
        data = self.cleaned_data
        return DatasetFields(
            name=data["name"].strip(),
            title=data["title"].strip(),
            notes=data["notes"].strip(),
            license_id=data["license_id"],
            tags=[t.strip() for t in data["tags"].split(",") if t.strip()],
            groups=data.get("groups", []),
        )


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    upload = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file becomes a table people can query and preview. Up to 100 MB."),
        required=False,
    )
    url = forms.URLField(
        label=_("Or a web address"),
        help_text=_("For data published elsewhere."),
        required=False,
        assume_scheme="https",
    )
    format = forms.CharField(
        label=_("Format"),
        help_text=_("For example CSV, PDF or HTML."),
        required=False,
        max_length=40,
    )


class VersionForm(forms.Form):
    upload = forms.FileField(label=_("The new file"))
