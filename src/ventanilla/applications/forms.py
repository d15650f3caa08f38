"""Server-rendered forms generated from a page of a service's form definition."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ventanilla.applications.answers import answer_from_form
from ventanilla.catalogue.transactions import FormField, FormPage
from ventanilla.core.i18n import localized

YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


def _django_field(spec: FormField) -> forms.Field:
    schema = spec.schema
    label = localized(spec.label)
    choose = spec.kind in ("choice", "choices", "yes_no")
    common: dict[str, Any] = {
        "label": label,
        "help_text": localized(spec.hint),
        "required": spec.required,
        "error_messages": {
            "required": (
                _("Select an answer for “%(label)s”.") if choose else _("Enter “%(label)s”.")
            )
            % {"label": label},
            "invalid": (
                _("“%(label)s” must be a real date, like 2026-03-27.")
                if spec.kind == "date"
                else _("Check “%(label)s”.")
            )
            % {"label": label},
            "invalid_choice": _("Select one of the options for “%(label)s”.") % {"label": label},
        },
    }
    attrs = {"autocomplete": spec.autocomplete} if spec.autocomplete else {}
    choices = [(value, localized(labels)) for value, labels in spec.choices]
    match spec.kind:
        case "date":
            # A text box, not type="date": date pickers are hard to use for dates people
            # know by heart (GOV.UK's advice), and their format follows the browser.
            return forms.DateField(
                input_formats=DATE_FORMATS,
                widget=forms.DateInput(attrs={**attrs, "inputmode": "numeric"}, format="%Y-%m-%d"),
                **common,
            )
        case "email":
            return forms.EmailField(widget=forms.EmailInput(attrs=attrs), **common)
        case "integer":
            return forms.IntegerField(
                min_value=schema.get("minimum"),
                max_value=schema.get("maximum"),
                widget=forms.NumberInput(attrs={**attrs, "inputmode": "numeric"}),
                **common,
            )
        case "number":
            return forms.DecimalField(
                min_value=schema.get("minimum"),
                max_value=schema.get("maximum"),
                widget=forms.NumberInput(attrs={**attrs, "inputmode": "decimal", "step": "any"}),
                **common,
            )
        case "yes_no":
            return forms.TypedChoiceField(
                choices=YES_NO,
                coerce=lambda value: value == "yes",
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        case "choice":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        case "choices":
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
    return forms.CharField(
        max_length=schema.get("maxLength"),
        min_length=schema.get("minLength"),
        widget=forms.TextInput(attrs=attrs),
        **common,
    )


class PageForm(forms.Form):
    """One page of questions. ``answers()`` gives the JSON values the schema checks."""

    def __init__(self, page: FormPage, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page = page
        for spec in page.fields:
            self.fields[spec.name] = _django_field(spec)

    def answers(self) -> dict[str, Any]:
        return {
            spec.name: answer_from_form(spec, self.cleaned_data.get(spec.name))
            for spec in self.page.fields
        }


def initial_from_answers(page: FormPage, answers: dict[str, Any]) -> dict[str, Any]:
    """Saved answers as a form's initial values (the reverse of ``PageForm.answers``)."""
    initial: dict[str, Any] = {}
    for spec in page.fields:
        if spec.name not in answers:
            continue
        value = answers[spec.name]
        if spec.kind == "date" and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        elif spec.kind == "yes_no" and isinstance(value, bool):
            value = "yes" if value else "no"
        initial[spec.name] = value
    return initial


class StatusCheckForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Application reference"),
        help_text=gettext_lazy("It is in the email we sent, for example DL-2026-000123."),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter the application reference.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = forms.DateField(
        label=gettext_lazy("The applicant's date of birth"),
        help_text=gettext_lazy("For example, 1985-03-27."),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": gettext_lazy("Enter the applicant's date of birth."),
            "invalid": gettext_lazy("Enter a real date, like 1985-03-27."),
        },
        widget=forms.DateInput(attrs={"inputmode": "numeric"}),
    )
