"""Texts stored per language (``{"en": "...", "es": "..."}``) and how to read them."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.utils import translation


def localized(texts: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in ``language`` (default: the active one), else in the default language."""
    if not texts:
        return ""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()))


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def fold(text: str) -> str:
    """Lower case without accents, so that 'defuncion' finds 'defunción'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
