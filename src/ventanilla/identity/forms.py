from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ventanilla.core import national_id
from ventanilla.core.errors import NationalIdInvalidError
from ventanilla.identity.models import User
from ventanilla.registries.models import Person
from ventanilla.registries.selectors import person_get


class ResidentSignupForm(forms.Form):
    """The resident's part of allauth's sign-up form: who they are in the population registry.

    Asking for the date of birth as well as the national id means knowing someone's id
    number is not enough to open an account in their name.
    """

    national_id = forms.CharField(
        label=_("National id number"),
        help_text=_("The 10 digits on your national id card, for example 1234567897."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example, 1985-03-27."),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"],
        # A text box rather than a date picker: people know their birth date by heart.
        widget=forms.DateInput(attrs={"autocomplete": "bday", "inputmode": "numeric"}),
    )

    field_order = ["national_id", "birth_date", "email", "password1", "password2"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.person: Person | None = None
        self.order_fields(self.field_order)

    def clean_national_id(self) -> str:
        try:
            value = national_id.normalize(self.cleaned_data["national_id"])
        except NationalIdInvalidError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None
        return value

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > dt.datetime.now(tz=dt.UTC).date():
            raise forms.ValidationError(_("Date of birth must be in the past."), code="future")
        return value

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        number, birth_date = cleaned.get("national_id"), cleaned.get("birth_date")
        if number and birth_date:
            person = person_get(national_id=str(number))
            if person is None or person.birth_date != birth_date:
                self.add_error(
                    "national_id",
                    forms.ValidationError(
                        _(
                            "We could not find this national id number with this date of "
                            "birth in the population registry. Check both."
                        ),
                        code="not_in_registry",
                    ),
                )
            elif User.objects.filter(national_id=person.national_id).exists():
                # Said only to whoever also knows the date of birth, so that an id number
                # alone does not reveal whether its holder has an account.
                self.add_error(
                    "national_id",
                    forms.ValidationError(
                        _(
                            "An account already exists for this national id number. "
                            "Sign in instead."
                        ),
                        code="taken",
                    ),
                )
            else:
                self.person = person
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth requires this hook. Nothing is left to do: ``AccountAdapter.save_user``
        linked the person before the account's one INSERT, so no account exists unlinked."""
