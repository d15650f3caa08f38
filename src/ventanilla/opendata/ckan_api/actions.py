"""CKAN's Action API, as a facade: each action parses CKAN's parameters, calls our own
selectors and services, and shapes the answer as CKAN does. Actions that change nothing
answer GET and POST; the others only POST, with an agency official's API token."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ventanilla.core.errors import DatasetInvalidError, NotFoundError, PermissionDeniedError
from ventanilla.identity.models import User
from ventanilla.opendata import selectors, services
from ventanilla.opendata.ckan_api import shapes
from ventanilla.opendata.licences import DEFAULT_LICENCE, LICENCES
from ventanilla.opendata.tables import Table

ROWS_MAX = 1000  # CKAN's ckan.search.rows_max
LIST_MAX = 1000


@dataclass(frozen=True)
class Context:
    site: str  # scheme and host, for absolute download addresses
    user: User | None


Action = Callable[[Context, dict[str, Any]], Any]
ACTIONS: dict[str, Action] = {}
READ_ONLY: set[str] = set()


def action(*, read_only: bool) -> Callable[[Action], Action]:
    def register(function: Action) -> Action:
        ACTIONS[function.__name__] = function
        if read_only:
            READ_ONLY.add(function.__name__)
        return function

    return register


# --- parameters ---


def _invalid(name: str, message: str) -> DatasetInvalidError:
    return DatasetInvalidError({name: [message]})


def _required(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value in (None, ""):
        raise _invalid(name, _("Missing value"))
    return str(value)


def _int(data: dict[str, Any], name: str, default: int, *, maximum: int | None = None) -> int:
    value = data.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _invalid(name, _("Invalid integer")) from None
    if number < 0:
        raise _invalid(name, _("Must be a natural number"))
    if maximum is not None and number > maximum:
        raise _invalid(name, _("Must be %(maximum)s or less") % {"maximum": maximum})
    return number


def _bool(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no", ""}:
        return False
    raise _invalid(name, _("Value must be one of: true, false"))


def _json(data: dict[str, Any], name: str, default: Any) -> Any:
    """A parameter that is JSON in a URL and a plain value in a JSON body."""
    value = data.get(name, default)
    if isinstance(value, str) and value.strip()[:1] in {"{", "["}:
        try:
            return json.loads(value)
        except ValueError:
            raise _invalid(name, _("Could not parse as valid JSON")) from None
    return value


def _names(value: Any, name: str) -> list[str]:
    """Tags or groups: ``[{"name": ...}]`` as CKAN sends them, or plain names."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list):
        raise _invalid(name, _("Must be a list"))
    names = []
    for item in value:
        if isinstance(item, dict) and item.get("name"):
            names.append(str(item["name"]))
        elif isinstance(item, str):
            names.append(item)
        else:
            raise _invalid(name, _("Each item must have a name"))
    return names


def _page(items: list[Any], data: dict[str, Any]) -> list[Any]:
    offset = _int(data, "offset", 0)
    limit = _int(data, "limit", LIST_MAX, maximum=LIST_MAX)
    return items[offset : offset + limit]


def _datasets(context: Context, datasets: list[Any]) -> list[dict[str, Any]]:
    resources = [r for d in datasets for r in d.resources.all()]
    versions = selectors.resource_latest_versions(resources=resources)
    return [shapes.dataset_dict(context.site, d, versions) for d in datasets]


# This worker's answers for datasets, by (generation, site, language), then by dataset id:
# an answer holds only what the catalogue's tables and the agencies say, and any write to
# them gives the catalogue a new generation, so a kept answer is current while the
# generation it was made at is. Dropped when the generation changes or when full.
_ANSWERS: dict[tuple[int, str, str], dict[Any, dict[str, Any]]] = {}
ANSWERS_KEPT = 20_000


def _packages(context: Context, found: selectors.SearchResult) -> list[dict[str, Any]]:
    """``found``'s page of datasets in CKAN's shape, each made once per generation."""
    if found.generation is None:
        return _datasets(context, found.datasets)
    key = (found.generation, context.site, get_language() or "")
    kept = _ANSWERS.get(key)
    if kept is None:
        if any(other[0] != found.generation for other in list(_ANSWERS)) or len(_ANSWERS) > 8:
            _ANSWERS.clear()  # an earlier generation's, or too many sites and languages
        kept = _ANSWERS[key] = {}
    elif len(kept) >= ANSWERS_KEPT:
        kept.clear()
    missing = [pk for pk in found.ids if pk not in kept]
    if missing:
        for answer in _datasets(context, selectors.dataset_list(ids=missing)):
            kept[uuid.UUID(answer["id"])] = answer
    return [kept[pk] for pk in found.ids if pk in kept]


# --- site ---


@action(read_only=True)
def status_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The site's name, address, default language and the extensions it offers."""
    return {
        "site_title": "Ventanilla",
        "site_description": _("Open data of the public services of every agency."),
        "site_url": context.site,
        "ckan_version": "2.11.0",
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": ["datastore"],
    }


@action(read_only=True)
def site_read(context: Context, data: dict[str, Any]) -> bool:
    """True: anyone may read this catalogue."""
    return True


@action(read_only=True)
def help_show(context: Context, data: dict[str, Any]) -> str:
    """What an action does (its description)."""
    name = _required(data, "name")
    if name not in ACTIONS:
        raise NotFoundError(_("Action function not found"))
    return " ".join((ACTIONS[name].__doc__ or "").split())


@action(read_only=True)
def license_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The licences datasets may use."""
    return [
        {
            "id": licence.id,
            "title": licence.title,
            "url": licence.url,
            "od_conformance": licence.od_conformance,
            "osd_conformance": "not reviewed",
            "status": "active",
            "is_okd_compliant": True,
            "is_osi_compliant": False,
        }
        for licence in LICENCES.values()
    ]


# --- datasets ---


@action(read_only=True)
def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    """The names of every dataset (limit, offset)."""
    return _page(selectors.dataset_names(), data)


@action(read_only=True)
def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One dataset with its resources, by id or name."""
    dataset = selectors.dataset_get(id_or_name=_required(data, "id"))
    return _datasets(context, [dataset])[0]


@action(read_only=True)
def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Datasets matching q and fq (field:value terms), sorted, a page at a time, with
    facet counts for the fields named in facet.field."""
    facet_fields = _json(data, "facet.field", [])
    if isinstance(facet_fields, str):
        facet_fields = [facet_fields]
    if not isinstance(facet_fields, list):
        raise _invalid("facet.field", _("Must be a list of field names"))
    found = selectors.dataset_search(
        q=str(data.get("q", "") or ""),
        fq=str(data.get("fq", "") or ""),
        rows=_int(data, "rows", 10, maximum=ROWS_MAX),
        start=_int(data, "start", 0),
        sort=str(data.get("sort", "") or ""),
        facet_fields=[str(f) for f in facet_fields],
        facet_limit=_int(data, "facet.limit", 50, maximum=ROWS_MAX),
    )
    return {
        "count": found.count,
        "sort": found.sort,
        "results": _packages(context, found),
        "facets": {name: dict(items) for name, items in found.facets.items()},
        "search_facets": {
            name: {
                "title": name,
                "items": [{"name": v, "display_name": v, "count": n} for v, n in items],
            }
            for name, items in found.facets.items()
        },
    }


# --- organisations, groups, tags ---


@action(read_only=True)
def organization_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """The agencies that publish (names, or all_fields for each one's details)."""
    agencies = _page(list(selectors.organization_list()), data)
    if _bool(data, "all_fields", False):
        return [shapes.organization_dict(a, package_count=a.package_count) for a in agencies]
    return [a.slug for a in agencies]


@action(read_only=True)
def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One agency, by id or name; include_datasets for its datasets too."""
    agency = selectors.organization_get(id_or_name=_required(data, "id"))
    out = shapes.organization_dict(agency, package_count=getattr(agency, "package_count", 0))
    if _bool(data, "include_datasets", False):
        found = selectors.dataset_search(fq=f"organization:{agency.slug}", rows=ROWS_MAX)
        out["packages"] = _packages(context, found)
    return out


@action(read_only=True)
def group_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """The themes datasets belong to (names, or all_fields)."""
    groups = _page(list(selectors.group_list()), data)
    if _bool(data, "all_fields", False):
        return [shapes.group_dict(g, package_count=g.package_count) for g in groups]
    return [g.name for g in groups]


@action(read_only=True)
def group_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One theme, by id or name; include_datasets for its datasets too."""
    group = selectors.group_get(id_or_name=_required(data, "id"))
    out = shapes.group_dict(group, package_count=getattr(group, "package_count", 0))
    if _bool(data, "include_datasets", False):
        found = selectors.dataset_search(fq=f"groups:{group.name}", rows=ROWS_MAX)
        out["packages"] = _packages(context, found)
    return out


@action(read_only=True)
def tag_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """The tags in use (query: only those containing it)."""
    names = selectors.tag_names(query=str(data.get("query", "") or ""))
    if _bool(data, "all_fields", False):
        return [{"id": None, "name": n, "display_name": n, "vocabulary_id": None} for n in names]
    return names


# --- resources and tables ---


@action(read_only=True)
def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One resource, by id."""
    resource = selectors.resource_get(id=_required(data, "id"))
    version = selectors.resource_latest_versions(resources=[resource]).get(resource.id)
    return shapes.resource_dict(context.site, resource, version)


@action(read_only=True)
def datastore_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of a table resource: filters ({column: value or [values]}), q (text, or
    {column: text}), fields, sort ("column desc, ..."), limit, offset, include_total."""
    resource_id = str(data.get("resource_id") or data.get("id") or "")
    if not resource_id:
        raise _invalid("resource_id", _("Missing value"))
    resource = selectors.resource_get(id=resource_id)
    filters = _json(data, "filters", {}) or {}
    if not isinstance(filters, dict):
        raise _invalid("filters", _("Not a JSON object: {column: value}"))
    q = _json(data, "q", "") or ""
    if not isinstance(q, (str, dict)):
        raise _invalid("q", _("Give text, or a JSON object {column: text}"))
    fields = _json(data, "fields", []) or []
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    if not isinstance(fields, list):
        raise _invalid("fields", _("Give column names, separated by commas"))
    limit = _int(data, "limit", 100, maximum=selectors.TABLE_ROWS_MAX)
    offset = _int(data, "offset", 0)
    version = data.get("version")
    found = selectors.table_search(
        resource=resource,
        filters=filters,
        q=q,
        limit=limit,
        offset=offset,
        sort=str(data.get("sort", "") or ""),
        fields=[str(f) for f in fields],
        include_total=_bool(data, "include_total", True),
        version=_int(data, "version", 0) or None if version not in (None, "") else None,
    )
    base = f"/api/3/action/datastore_search?resource_id={resource.id}"
    out: dict[str, Any] = {
        "resource_id": str(resource.id),
        "fields": found.fields,
        "records": found.records,
        "records_format": "objects",
        "limit": found.limit,
        "offset": found.offset,
        "_links": {"start": base, "next": f"{base}&offset={found.offset + found.limit}"},
        "include_total": found.total is not None,
    }
    if found.sort:
        out["sort"] = found.sort
    if found.total is not None:
        out["total"] = found.total
    return out


# --- writes ---


def _official(context: Context) -> User:
    if context.user is None:
        raise PermissionDeniedError(_("Send an agency official's API token in Authorization."))
    return context.user


def _fields(data: dict[str, Any]) -> services.DatasetFields:
    return services.DatasetFields(
        name=_required(data, "name"),
        title=str(data.get("title") or data.get("name") or ""),
        notes=str(data.get("notes") or ""),
        license_id=str(data.get("license_id") or DEFAULT_LICENCE),
        tags=_names(_json(data, "tags", []), "tags"),
        groups=_names(_json(data, "groups", []), "groups"),
        author=str(data.get("author") or ""),
        maintainer=str(data.get("maintainer") or ""),
        maintainer_email=str(data.get("maintainer_email") or ""),
        version=str(data.get("version") or ""),
        url=str(data.get("url") or ""),
    )


@action(read_only=False)
def package_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A new dataset of owner_org (an agency the token's official belongs to), with
    resources given by url."""
    user = _official(context)
    organization = selectors.organization_get(id_or_name=_required(data, "owner_org"))
    resources = _json(data, "resources", []) or []
    if not isinstance(resources, list):
        raise _invalid("resources", _("Must be a list"))
    dataset = services.dataset_create_with_links(
        actor=user,
        organization=organization,
        fields=_fields(data),
        links=[
            (
                str(r.get("name") or r.get("url") or ""),
                str(r.get("url") or ""),
                str(r.get("format") or ""),
                str(r.get("description") or ""),
            )
            for r in resources
            if isinstance(r, dict)
        ],
    )
    return _datasets(context, [selectors.dataset_get(id_or_name=str(dataset.id))])[0]


@action(read_only=False)
def package_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's description (by id or name); its resources stay."""
    user = _official(context)
    dataset = selectors.dataset_get(id_or_name=_required(data, "id"))
    fields = _fields({"name": dataset.name, **data})
    services.dataset_update(actor=user, dataset=dataset, fields=fields)
    return _datasets(context, [selectors.dataset_get(id_or_name=str(dataset.id))])[0]


@action(read_only=False)
def resource_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A new resource of package_id: an uploaded file (a CSV file becomes a table that
    datastore_search answers), a table (fields and records), or a url."""
    user = _official(context)
    dataset = selectors.dataset_get(id_or_name=_required(data, "package_id"))
    upload = data.get("upload")
    table = None
    if data.get("records") is not None:
        fields = _json(data, "fields", [])
        records = _json(data, "records", [])
        if not isinstance(fields, list) or not isinstance(records, list):
            raise _invalid("records", _("Give fields and records as lists"))
        table = Table(fields=fields, rows=records)
    resource = services.resource_create(
        actor=user,
        dataset=dataset,
        name=str(data.get("name") or getattr(upload, "name", "") or data.get("url") or ""),
        description=str(data.get("description") or ""),
        format=str(data.get("format") or ""),
        url=str(data.get("url") or "") if not isinstance(upload, UploadedFile) else "",
        table=table,
        upload=upload if isinstance(upload, UploadedFile) else None,
    )
    version = selectors.resource_latest_versions(resources=[resource]).get(resource.id)
    return shapes.resource_dict(context.site, resource, version)
