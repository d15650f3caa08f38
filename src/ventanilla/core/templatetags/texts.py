"""``{{ texts|local }}``: a text given per language, in the current language."""

from __future__ import annotations

from typing import Any

from django import template

from ventanilla.core.i18n import localized

register = template.Library()


@register.filter
def local(texts: Any) -> str:
    return localized(texts) if isinstance(texts, dict) else ""
