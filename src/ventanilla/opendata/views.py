"""Downloads of the open-data catalogue: tables streamed as CSV or JSON (constant
memory for any size), files as they were published; every version stays available."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ventanilla.core.errors import NotFoundError
from ventanilla.opendata.dcat import catalogue_graph
from ventanilla.opendata.enums import ResourceKind
from ventanilla.opendata.licences import LICENCES
from ventanilla.opendata.selectors import (
    catalogue_fingerprint,
    dataset_get,
    dataset_search,
    group_list,
    organization_get,
    organization_list,
    resource_get,
    resource_version,
    table_rows,
    table_search,
)

SAFE_TYPES = frozenset(
    {
        "application/pdf", "application/json", "application/zip", "text/csv", "text/plain",
        "text/turtle", "application/ld+json", "image/png", "image/jpeg",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)  # fmt: skip
CHUNK_ROWS = 1000  # rows per piece of a streamed download: fewer, larger writes


def _csv(fields: list[dict[str, str]], rows: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[str]:
    names = [c["id"] for c in fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["_id", *names])
    while batch := list(itertools.islice(rows, CHUNK_ROWS)):
        # csv writes None as an empty cell; writerows runs the loop in C
        writer.writerows([number, *map(data.get, names)] for number, data in batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _json(
    fields: list[dict[str, str]], rows: Iterator[tuple[int, dict[str, Any]]]
) -> Iterator[str]:
    names = [c["id"] for c in fields]
    head = '{"fields": ' + json.dumps([{"id": "_id", "type": "int"}, *fields]) + ', "records": ['
    piece = [head]
    for count, (number, data) in enumerate(rows, 1):
        record = json.dumps({"_id": number, **{n: data.get(n) for n in names}}, ensure_ascii=False)
        piece.append(record if count == 1 else "," + record)
        if count % CHUNK_ROWS == 0:
            yield "".join(piece)
            piece = []
    piece.append("]}")
    yield "".join(piece)


def download(request: HttpRequest, resource_id: str, fmt: str = "") -> HttpResponseBase:
    """The resource's latest version, or ``?version=N``; a table as ``.csv`` (the
    default) or ``.json``."""
    if fmt not in {"", "csv", "json"}:
        raise Http404
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
    if not version.file or fmt:  # a file comes only as it was published
        raise Http404
    # A type a browser would run (HTML, SVG with scripts) is served as plain bytes.
    mimetype = version.mimetype if version.mimetype in SAFE_TYPES else "application/octet-stream"
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.file.name.rsplit("/", 1)[-1],
        content_type=mimetype,
    )


# --- the catalogue as RDF, and its pages ---

RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
}
PAGE_SIZE = 20


@require_GET
def catalogue_rdf(request: HttpRequest, fmt: str) -> HttpResponse:
    """``/catalog.ttl`` and ``/catalog.jsonld``: DCAT-AP, made again only when the
    catalogue changed (kept in the cache under its fingerprint)."""
    if fmt not in RDF_FORMATS:
        raise Http404
    syntax, content_type = RDF_FORMATS[fmt]
    site = f"{request.scheme}://{request.get_host()}"
    language = get_language() or settings.LANGUAGE_CODE
    key = f"opendata:dcat:{fmt}:{language}:{site}:{catalogue_fingerprint()}"
    body = cache.get(key)
    if body is None:
        graph = catalogue_graph(
            site=site,
            title=f"{settings.VENTANILLA_SITE_NAME} — {_('open data')}",
            description=_("Open data of the public services of every agency."),
            language=language[:2],
        )
        body = graph.serialize(format=syntax)
        cache.set(key, body, timeout=3600)
    return HttpResponse(body, content_type=content_type)


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        name: request.GET[name].replace('"', "")[:100]
        for name in ("organization", "groups", "tags", "res_format")
        if request.GET.get(name)
    }


@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    filters = _filters(request)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    found = dataset_search(
        q=q.replace(":", " "),  # words only: field searches are for the API
        fq=" ".join(f'{name}:"{value}"' for name, value in filters.items()),
        rows=PAGE_SIZE,
        start=(page - 1) * PAGE_SIZE,
        sort="metadata_modified desc" if not q else "",
        facet_fields=["organization", "groups", "tags", "res_format"],
        facet_limit=10,
    )
    pages = max(1, -(-found.count // PAGE_SIZE))
    titles = {
        "organization": {a.slug: a.local_name for a in organization_list()},
        "groups": {g.name: g.local_title for g in group_list()},
    }

    def link(**changes: str) -> str:
        params = {"q": q, **filters, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v})

    facets = [
        {
            "name": name,
            "label": label,
            "items": [
                {
                    "value": value,
                    "title": titles.get(name, {}).get(value, value),
                    "count": count,
                    "selected": filters.get(name) == value,
                    "url": link(**{name: "" if filters.get(name) == value else value}),
                }
                for value, count in found.facets.get(name, [])
            ],
        }
        for name, label in (
            ("organization", _("Organisation")),
            ("groups", _("Theme")),
            ("tags", _("Tag")),
            ("res_format", _("Format")),
        )
    ]
    return render(
        request,
        "opendata/datasets.html",
        {
            "q": q,
            "found": found,
            "facets": facets,
            "filters": filters,
            "page": page,
            "pages": pages,
            "previous_url": link(page=str(page - 1)) if page > 1 else "",
            "next_url": link(page=str(page + 1)) if page < pages else "",
        },
    )


@require_GET
def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    try:
        dataset = dataset_get(id_or_name=name)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    resources = []
    for resource in dataset.resources.all():
        versions = list(resource.versions.order_by("-number"))
        preview = None
        if resource.kind == ResourceKind.TABLE and versions:
            rows = table_search(resource=resource, limit=10, include_total=False)
            columns = [c["id"] for c in rows.fields if c["id"] != "_id"]
            preview = {
                "columns": columns,
                "rows": [[record.get(c) for c in columns] for record in rows.records],
                "total": versions[0].row_count,
            }
        resources.append({"resource": resource, "versions": versions, "preview": preview})
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": dataset,
            "licence": LICENCES.get(dataset.license_id),
            "resources": resources,
        },
    )


@require_GET
def organization_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/organizations.html", {"organizations": organization_list()})


@require_GET
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        agency = organization_get(id_or_name=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    found = dataset_search(fq=f'organization:"{agency.slug}"', rows=1000, sort="name asc")
    return render(
        request, "opendata/organization.html", {"agency": agency, "datasets": found.datasets}
    )
