"""Cache of the public catalogue pages, for visitors who carry no session.

Most people reading the portal are not signed in, and what they read (a life event, a
service, an agency) changes only when the catalogue is loaded again. So the page is rendered
once per process, language and catalogue revision, and served from memory after that; the
revision (one query) makes every cached page stale the moment a load commits, in every
process. A visitor with a session (signed in, or with a message waiting) always gets a page
rendered for them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from ventanilla.catalogue.selectors import catalogue_revision

CACHE_ALIAS = "pages"
_MESSAGES_COOKIE = "messages"

View = Callable[..., HttpResponse]


def _is_stateless(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and _MESSAGES_COOKIE not in cookies


def _is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Nothing in the page or its cookies belongs to this visitor alone.

    A CSRF token or a session change would be set as a cookie only after this view
    returns, by their middleware, so they are checked on the request.
    """
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )


def public_page(view: View) -> View:
    """Serve ``view``'s page from the page cache to visitors without a session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or not _is_stateless(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = f"page:{get_language()}:{catalogue_revision()}:{request.path}"
        cached = cache.get(key)
        if cached is not None:
            content_type, body = cached
            response = HttpResponse(body, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if _is_shareable(request, response):
                cache.set(key, (response["Content-Type"], response.content))
        # The same address gives a signed-in visitor another page.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapper
