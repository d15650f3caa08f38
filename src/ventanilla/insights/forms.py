from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.insights.enums import OfflineChannel, SatisfactionAnswer
from ventanilla.insights.models import COMMENT_MAX_LENGTH


class SatisfactionForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Overall, how did you feel about the service you received?"),
        choices=SatisfactionAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how satisfied you are."),
            "invalid_choice": _("Select how satisfied you are."),
        },
    )
    comment = forms.CharField(
        label=_("How could we improve this service? (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "input"}),
        error_messages={
            "max_length": _("Your comment must be %(limit_value)s characters or fewer."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _(
            "Do not include personal or financial information, like your national id "
            "number or bank details. You can enter up to %(count)s characters."
        ) % {"count": COMMENT_MAX_LENGTH}


class PerformanceFilterForm(forms.Form):
    """The back office's choice of period (the last twelve months or one of them) and
    channel; sent by GET, so every view of the numbers has its own address."""

    month = forms.ChoiceField(
        label=_("Period"),
        required=False,
        error_messages={"invalid_choice": _("Choose the last twelve months or one of them.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        error_messages={"invalid_choice": _("Choose all channels or one of them.")},
    )

    def __init__(self, *args: Any, months: Sequence[dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month = self.fields["month"]
        channel = self.fields["channel"]
        assert isinstance(month, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(channel, forms.ChoiceField)  # noqa: S101 - declared above
        month.choices = [("", _("The last twelve months"))] + [
            (f"{m:%Y-%m}", formats.date_format(m, "YEAR_MONTH_FORMAT")) for m in reversed(months)
        ]
        channel.choices = [("", _("All channels")), *Channel.choices]


class OfflineCountForm(forms.Form):
    day = forms.DateField(
        label=_("Day"),
        help_text=_("Year, month and day, for example 2026-10-27."),
        error_messages={
            "required": _("Enter the day the transactions were made."),
            "invalid": _("Enter the day as year, month and day, for example 2026-10-27."),
        },
        widget=forms.DateInput(attrs={"class": "input"}, format="%Y-%m-%d"),
    )
    service = forms.ChoiceField(
        label=_("Service"),
        error_messages={
            "required": _("Select the service."),
            "invalid_choice": _("Select one of your agency's services."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=OfflineChannel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the channel the transactions were made through."),
            "invalid_choice": _("Select the channel the transactions were made through."),
        },
    )
    count = forms.IntegerField(
        label=_("Number of transactions"),
        help_text=_("Recording a day, service and channel again replaces its count."),
        min_value=0,
        max_value=1_000_000,
        error_messages={
            "required": _("Enter the number of transactions."),
            "invalid": _("Enter the number of transactions as a whole number, like 12."),
            "min_value": _("The number of transactions must be 0 or more."),
            "max_value": _("The number of transactions must be 1,000,000 or fewer."),
        },
        widget=forms.TextInput(attrs={"class": "input", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, services: Sequence[PublicService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("Select a service")), *((s.slug, s.local_name) for s in services)]


OFFLINE_IMPORT_MAX_BYTES = 5 * 1024 * 1024


class OfflineCountsImportForm(forms.Form):
    upload = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "With the columns day (YYYY-MM-DD), service (its short name in the address), "
            "channel (counter, phone or post) and count. Up to 5 MB."
        ),
        error_messages={
            "required": _("Choose a CSV file to import."),
            "empty": _("The file you chose is empty."),
        },
    )

    def clean_upload(self) -> str:
        """The file's text: UTF-8 (with or without a byte-order mark), as spreadsheets save
        CSV."""
        upload = self.cleaned_data["upload"]
        if upload.size > OFFLINE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file must be 5 MB or smaller."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file must be a CSV file saved as UTF-8.")) from None
