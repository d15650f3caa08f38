"""``/api/3/action/<name>`` (and ``/api/action/<name>``, as ckanapi calls it): CKAN's
envelope ``{"help", "success", "result"}`` and its errors, around ``actions``."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ventanilla.core.errors import (
    DatasetInvalidError,
    NotFoundError,
    PermissionDeniedError,
    SearchQueryInvalidError,
    ValidationError,
)
from ventanilla.identity.models import User
from ventanilla.identity.selectors import api_token_user
from ventanilla.opendata.ckan_api.actions import ACTIONS, READ_ONLY, Context

logger = logging.getLogger(__name__)


def _finish(status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _token_user(request: HttpRequest) -> User | None:
    """The official whose API token came in ``Authorization`` (bare, as CKAN clients
    send it, or after ``Bearer``) or ``X-CKAN-API-Key``."""
    raw = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    key = raw.removeprefix("Bearer ").strip()
    return api_token_user(key=key) if key else None


def _request_data(request: HttpRequest, read_only: bool) -> dict[str, Any]:
    """The action's parameters: the URL's for a GET, the JSON body (or form fields and
    files, for uploads) for a POST. ValueError says what is wrong."""
    if request.method == "GET":
        if not read_only:
            raise ValueError("Invalid request. Please use POST method for your request")
        return {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists()}
    if request.content_type == "multipart/form-data" or request.POST:
        data: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in request.POST.lists()}
        data.update(request.FILES.items())
        return data
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError as error:
        raise ValueError(f"Error decoding JSON data. Error: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"Request data JSON decoded to {data!r} but it needs to be a dictionary.")
    return data


@csrf_exempt  # no cookies: writes carry an API token, as CKAN's do
def action(request: HttpRequest, name: str) -> JsonResponse:
    body: dict[str, Any] = {
        "help": request.build_absolute_uri(reverse("ckan-action", args=["help_show"]))
        + f"?name={name}"
    }
    function = ACTIONS.get(name)
    if function is None or request.method not in {"GET", "POST"}:
        message = f"Bad request - Action name not known: {name}"
        if function is not None:
            message = "Bad request - Use GET or POST"
        body.update(success=False, error={"__type": "Bad Request", "message": message})
        return _finish(400, body)
    try:
        data = _request_data(request, name in READ_ONLY)
    except ValueError as error:
        body.update(
            success=False,
            error={"__type": "Bad Request", "message": f"Bad request - JSON Error: {error}"},
        )
        return _finish(400, body)
    data.pop("callback", None)
    context = Context(
        site=f"{request.scheme}://{request.get_host()}",
        user=_token_user(request) if name not in READ_ONLY else None,
    )
    try:
        body["result"] = function(context, data)
    except NotFoundError as error:
        body["error"] = {"__type": "Not Found Error", "message": f"Not found: {error.message}"}
        status = 404
    except PermissionDeniedError as error:
        body["error"] = {
            "__type": "Authorization Error",
            "message": f"{_('Access denied')}: {error.message}",
        }
        status = 403
    except SearchQueryInvalidError as error:
        body["error"] = {
            "__type": "Search Query Error",
            "message": f"Search Query is invalid: {error.message}",
        }
        status = 400
    except DatasetInvalidError as error:
        body["error"] = {**error.errors, "__type": "Validation Error"}
        status = 409
    except ValidationError as error:
        body["error"] = {error.field or "data": [error.message], "__type": "Validation Error"}
        status = 409
    except Exception:
        logger.exception("CKAN action %s failed", name)
        body["error"] = {"__type": "Internal Server Error", "message": "Internal Server Error"}
        status = 500
    else:
        body["success"] = True
        return _finish(200, body)
    body["success"] = False
    return _finish(status, body)
