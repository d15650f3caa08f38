from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and the language switcher: links to this same page in each language."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.path, code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": f"{url}?{query}" if query else url,
                "current": code == current,
            }
        )
    return {
        "site_name": settings.VENTANILLA_SITE_NAME,
        "government_name": settings.VENTANILLA_GOVERNMENT_NAME,
        "language_links": links,
    }
