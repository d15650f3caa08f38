"""Downloads of the open-data catalogue: tables streamed as CSV or JSON (constant
memory for any size), files as they were published; every version stays available."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from ventanilla.core.errors import NotFoundError
from ventanilla.opendata.enums import ResourceKind
from ventanilla.opendata.selectors import resource_get, resource_version, table_rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(fields: list[dict[str, str]], rows: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    names = [c["id"] for c in fields]
    yield writer.writerow(["_id", *names])
    for number, data in rows:
        yield writer.writerow([number, *("" if data.get(n) is None else data[n] for n in names)])


def _json(
    fields: list[dict[str, str]], rows: Iterator[tuple[int, dict[str, Any]]]
) -> Iterator[str]:
    names = [c["id"] for c in fields]
    yield '{"fields": ' + json.dumps([{"id": "_id", "type": "int"}, *fields]) + ', "records": ['
    first = True
    for number, data in rows:
        record = json.dumps({"_id": number, **{n: data.get(n) for n in names}}, ensure_ascii=False)
        yield record if first else "," + record
        first = False
    yield "]}"


def download(request: HttpRequest, resource_id: str, fmt: str = "") -> HttpResponseBase:
    """The resource's latest version, or ``?version=N``; a table as ``.csv`` (the
    default) or ``.json``."""
    number = request.GET.get("version", "")
    try:
        resource = resource_get(id=resource_id)
        version = resource_version(
            resource=resource, number=int(number) if number.isdigit() else None
        )
    except NotFoundError:
        raise Http404 from None  # a link has no version here: it is downloaded where it points
    stem = f"{resource.dataset.name}-{resource.position + 1}-v{version.number}"
    if resource.kind == ResourceKind.TABLE:
        rows = table_rows(version=version)
        if fmt == "json":
            response: StreamingHttpResponse = StreamingHttpResponse(
                _json(version.fields, rows), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        else:
            response = StreamingHttpResponse(
                _csv(version.fields, rows), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    if not version.file:
        raise Http404
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.file.name.rsplit("/", 1)[-1],
        content_type=version.mimetype or "application/octet-stream",
    )
