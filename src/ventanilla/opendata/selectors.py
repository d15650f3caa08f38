"""Every read of the open-data catalogue. Everything here is public: the catalogue holds
no personal data, and each published count under 10 is suppressed where it is made."""

from __future__ import annotations

import re
import shlex
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from ventanilla.core.errors import DatasetInvalidError, NotFoundError, SearchQueryInvalidError
from ventanilla.identity.models import Agency
from ventanilla.opendata.enums import ResourceKind
from ventanilla.opendata.models import Dataset, Group, Resource, ResourceVersion, Row, Tag
from ventanilla.opendata.search import catalogue_index
from ventanilla.opendata.tables import value_for

ORGANIZATION_NAMESPACE = uuid.UUID("0d7c1a52-43a4-4a43-9f6e-3f1a9b1c5e21")
# The fields a search may filter and facet on (the index keeps each: search._build).
SEARCH_FIELDS = ("organization", "tags", "groups", "res_format", "license_id", "name")
SORT_FIELDS = {
    "score": "updated_at",  # no relevance ranking: the most recently changed first
    "metadata_modified": "updated_at",
    "metadata_created": "created_at",
    "name": "name",
    "title": "title",
    "title_string": "title",
}
DEFAULT_SORT = "score desc, metadata_modified desc"
TABLE_ROWS_MAX = 32000  # CKAN's ckan.datastore.search.rows_max


def organization_id(agency: Agency) -> uuid.UUID:
    """An agency's CKAN id: stable, derived from its slug."""
    return uuid.uuid5(ORGANIZATION_NAMESPACE, agency.slug)


def _datasets() -> QuerySet[Dataset]:
    return Dataset.objects.select_related("organization").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch("groups", queryset=Group.objects.order_by("name")),
        Prefetch("resources", queryset=Resource.objects.order_by("position")),
    )


def catalogue_fingerprint() -> str:
    """Changes whenever a dataset or a resource is added, changed or removed."""
    datasets = Dataset.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    resources = Resource.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return "{}.{}.{}.{}".format(
        datasets["n"],
        datasets["last"] and datasets["last"].timestamp(),
        resources["n"],
        resources["last"] and resources["last"].timestamp(),
    )


def dataset_names() -> list[str]:
    return list(Dataset.objects.order_by("name").values_list("name", flat=True))


def dataset_get(*, id_or_name: str) -> Dataset:
    try:
        key = uuid.UUID(id_or_name)
    except ValueError:
        found = _datasets().filter(name=id_or_name).first()
    else:
        found = _datasets().filter(pk=key).first()
    if found is None:
        raise NotFoundError(_("There is no dataset “%(name)s”.") % {"name": id_or_name})
    return found


@dataclass
class SearchResult:
    count: int
    ids: list[uuid.UUID]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    generation: int | None = None  # the catalogue's, when the search was made

    @cached_property
    def datasets(self) -> list[Dataset]:
        """The page's datasets, with their organisation, tags, groups and resources."""
        return dataset_list(ids=self.ids)


def _terms(text: str, *, free_text: bool) -> tuple[list[tuple[str, str]], list[str]]:
    """Solr-style ``field:value`` terms (AND-ed) as (field, value) pairs, and the
    remaining words (lower case)."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        raise SearchQueryInvalidError(
            _("The search has an unclosed quotation mark."), field="q" if free_text else "fq"
        ) from None
    where, words = [], []
    for token in tokens:
        token = token.lstrip("+")
        if token in {"*:*", "*", ""}:
            continue
        name, colon, value = token.partition(":")
        if colon and name in SEARCH_FIELDS:
            where.append((name, value.strip('"')))
        elif colon and not free_text:
            raise SearchQueryInvalidError(
                _("Datasets cannot be filtered by “%(field)s”; use one of %(fields)s.")
                % {"field": name, "fields": ", ".join(SEARCH_FIELDS)},
                field="fq",
            )
        else:
            words.append(token.lower())
    return where, words


def _ordering(sort: str) -> list[str]:
    ordering = []
    for part in (p.strip() for p in (sort or DEFAULT_SORT).split(",")):
        name, _space, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if name not in SORT_FIELDS or direction not in {"asc", "desc"}:
            raise SearchQueryInvalidError(
                _("Cannot sort by “%(sort)s”; use a field of %(fields)s with asc or desc.")
                % {"sort": part, "fields": ", ".join(SORT_FIELDS)},
                field="sort",
            )
        ordering.append(("-" if direction == "desc" else "") + SORT_FIELDS[name])
    return [*ordering, "name"]


def dataset_search(
    *,
    q: str = "",
    fq: str = "",
    rows: int = 10,
    start: int = 0,
    sort: str = "",
    facet_fields: Sequence[str] = (),
    facet_limit: int = 50,
) -> SearchResult:
    """Datasets matching every word of ``q`` and every ``field:value`` of ``q`` and ``fq``,
    answered from the worker's index of the catalogue (``search.catalogue_index``)."""
    unknown = [f for f in facet_fields if f not in SEARCH_FIELDS]
    if unknown:
        raise SearchQueryInvalidError(
            _("Cannot count datasets by “%(field)s”.") % {"field": unknown[0]},
            field="facet.field",
        )
    where_q, words = _terms(q, free_text=True)
    where_fq, _words = _terms(fq, free_text=False)
    ordering = _ordering(sort)
    index = catalogue_index()
    matching = index.everything
    for name, value in (*where_q, *where_fq):
        matching &= index.having(name, value)
    for word in words:
        matching &= index.containing(word)
    return SearchResult(
        count=matching.bit_count(),
        ids=index.page(matching, ordering, start, rows),
        facets={name: index.counts(name, matching, facet_limit) for name in facet_fields},
        sort=sort or DEFAULT_SORT,
        generation=index.generation,
    )


def dataset_list(*, ids: Sequence[uuid.UUID]) -> list[Dataset]:
    """Datasets by id, in that order, with their organisation, tags, groups, resources."""
    found = _datasets().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def organization_list() -> QuerySet[Agency]:
    return Agency.objects.annotate(package_count=Count("datasets")).order_by("slug")


def organization_get(*, id_or_name: str) -> Agency:
    for agency in organization_list():
        if id_or_name in {agency.slug, str(organization_id(agency))}:
            return agency
    raise NotFoundError(_("There is no organisation “%(name)s”.") % {"name": id_or_name})


def group_list() -> QuerySet[Group]:
    return Group.objects.annotate(package_count=Count("datasets")).order_by("name")


def group_get(*, id_or_name: str) -> Group:
    try:
        where = Q(pk=uuid.UUID(id_or_name))
    except ValueError:
        where = Q(name=id_or_name)
    found = group_list().filter(where).first()
    if found is None:
        raise NotFoundError(_("There is no group “%(name)s”.") % {"name": id_or_name})
    return found


def tag_names(*, query: str = "") -> list[str]:
    tags = Tag.objects.filter(datasets__isnull=False).distinct().order_by("name")
    if query:
        tags = tags.filter(name__icontains=query)
    return list(tags.values_list("name", flat=True))


def resource_get(*, id: str) -> Resource:
    try:
        key = uuid.UUID(str(id))
        return Resource.objects.select_related("dataset__organization").get(pk=key)
    except (ValueError, Resource.DoesNotExist):
        raise NotFoundError(_("There is no resource “%(id)s”.") % {"id": id}) from None


def resource_version(*, resource: Resource, number: int | None = None) -> ResourceVersion:
    """The ``number``th version of ``resource``, or its latest."""
    versions = resource.versions.order_by("-number")
    found = versions.filter(number=number).first() if number else versions.first()
    if found is None:
        raise NotFoundError(_("This resource has no version %(number)s.") % {"number": number})
    return found


def resource_latest_versions(*, resources: Sequence[Resource]) -> dict[uuid.UUID, ResourceVersion]:
    """The latest version of each of ``resources`` (one query)."""
    latest: dict[uuid.UUID, ResourceVersion] = {}
    for version in ResourceVersion.objects.filter(resource__in=resources).order_by("number"):
        latest[version.resource_id] = version
    return latest


@dataclass
class TableResult:
    fields: list[dict[str, str]]
    records: list[dict[str, Any]]
    total: int | None
    limit: int
    offset: int
    sort: str


_SORT_PART = re.compile(r"^\s*(\"?)([^\"]+?)\1\s*(asc|desc)?\s*$", re.IGNORECASE)


def _filter_value(kind: str, value: Any, column: str) -> Any:
    """A filter's value as the column stores it: "35" finds the number 35."""
    try:
        return value_for(kind, value, column=column, row=0)
    except DatasetInvalidError:
        raise DatasetInvalidError(
            {
                "filters": [
                    _("“%(value)s” is not a value the column “%(column)s” can hold.")
                    % {"value": value, "column": column}
                ]
            }
        ) from None


def table_search(
    *,
    resource: Resource,
    filters: dict[str, Any] | None = None,
    q: str | dict[str, str] = "",
    limit: int = 100,
    offset: int = 0,
    sort: str = "",
    fields: Sequence[str] = (),
    include_total: bool = True,
    version: int | None = None,
) -> TableResult:
    """Rows of a table resource (CKAN's ``datastore_search``)."""
    if resource.kind != ResourceKind.TABLE:
        raise NotFoundError(_("This resource is not a table."))
    current = resource_version(resource=resource, number=version)
    columns = {c["id"]: c for c in current.fields}
    rows = Row.objects.filter(version=current)
    for name, value in (filters or {}).items():
        if name == "_id":
            rows = rows.filter(number__in=value if isinstance(value, list) else [value])
            continue
        if name not in columns:
            raise DatasetInvalidError(
                {"filters": [_("The table has no column “%(name)s”.") % {"name": name}]}
            )
        values = [
            _filter_value(columns[name]["type"], v, name)
            for v in (value if isinstance(value, list) else [value])
        ]
        rows = rows.filter(Q.create([(f"data__{name}", v) for v in values], connector=Q.OR))
    if isinstance(q, dict):
        for name, text in q.items():
            if name not in columns:
                raise DatasetInvalidError(
                    {"q": [_("The table has no column “%(name)s”.") % {"name": name}]}
                )
            rows = rows.filter(**{f"data__{name}__icontains": str(text)})
    elif q:
        rows = rows.annotate(text=Cast("data", TextField())).filter(text__icontains=q)
    ordering: list[Any] = []
    for part in [p for p in sort.split(",") if p.strip()]:
        match = _SORT_PART.match(part)
        name = match.group(2) if match else part.strip()
        if name != "_id" and name not in columns:
            raise DatasetInvalidError(
                {"sort": [_("The table has no column “%(name)s”.") % {"name": name}]}
            )
        descending = bool(match and (match.group(3) or "").lower() == "desc")
        expression = F("number") if name == "_id" else F(f"data__{name}")
        ordering.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    wanted = list(fields) or ["_id", *columns]
    missing = [f for f in wanted if f != "_id" and f not in columns]
    if missing:
        raise DatasetInvalidError(
            {"fields": [_("The table has no column “%(name)s”.") % {"name": missing[0]}]}
        )
    page = rows.order_by(*ordering, "number").values_list("number", "data")[offset : offset + limit]
    records = [
        {name: (number if name == "_id" else data.get(name)) for name in wanted}
        for number, data in page
    ]
    out_fields = [
        {"id": "_id", "type": "int"}
        if name == "_id"
        else {"id": name, "type": columns[name]["type"]}
        for name in wanted
    ]
    total: int | None = None
    if include_total:
        # The whole table's count is kept with its version: no need to count its rows.
        total = rows.count() if filters or q else current.row_count
    return TableResult(
        fields=out_fields,
        records=records,
        total=total,
        limit=limit,
        offset=offset,
        sort=sort,
    )


def table_rows(
    *, version: ResourceVersion, batch: int = 5000
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every row of a table version in order, read ``batch`` rows at a time by key, so a
    table of any size streams in constant memory."""
    after = 0
    while True:
        chunk = list(
            Row.objects.filter(version=version, number__gt=after)
            .order_by("number")
            .values_list("number", "data")[:batch]
        )
        if not chunk:
            return
        yield from chunk
        after = chunk[-1][0]
