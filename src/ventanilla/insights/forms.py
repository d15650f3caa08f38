from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ventanilla.insights.enums import SatisfactionAnswer
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
