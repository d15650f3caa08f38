"""Every write to the open-data catalogue: datasets, resources and their versions, groups.

Each function checks everything before it writes and writes in one transaction, so a
wrong field leaves nothing behind (``DatasetInvalidError`` names every wrong field).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import mimetypes
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.core.errors import DatasetInvalidError, PermissionDeniedError
from ventanilla.core.transactions import on_rollback
from ventanilla.identity.models import Agency, User
from ventanilla.opendata.enums import ResourceKind
from ventanilla.opendata.licences import DEFAULT_LICENCE, LICENCES
from ventanilla.opendata.models import Dataset, Group, Resource, ResourceVersion, Row, Tag
from ventanilla.opendata.permissions import may_publish
from ventanilla.opendata.tables import Table, fields_check, rows_typed, table_from_csv

NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG = re.compile(r"^[\w .-]{2,100}$")
MAX_FILE_BYTES = 100 * 1024 * 1024
ROW_BATCH = 2000


@dataclass(frozen=True)
class DatasetFields:
    """What a dataset says about itself (everything but its resources)."""

    name: str
    title: str
    notes: str = ""
    license_id: str = DEFAULT_LICENCE
    tags: Sequence[str] = ()
    groups: Sequence[str] = ()
    author: str = ""
    maintainer: str = ""
    maintainer_email: str = ""
    version: str = ""
    url: str = ""


def _errors(fields: DatasetFields, *, dataset: Dataset | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not NAME.match(fields.name):
        errors["name"] = [
            _("Must be 2 to 100 lower-case letters (a-z), digits and the symbols - and _.")
        ]
    elif (
        Dataset.objects.filter(name=fields.name)
        .exclude(pk__in=[dataset.pk] if dataset is not None else [])
        .exists()
    ):
        errors["name"] = [_("That URL is already in use.")]
    if not fields.title.strip():
        errors["title"] = [_("Enter a title.")]
    elif len(fields.title) > 300:
        errors["title"] = [_("Must be 300 characters or fewer.")]
    if fields.license_id not in LICENCES:
        errors["license_id"] = [
            _("“%(licence)s” is not a licence this catalogue offers (see license_list).")
            % {"licence": fields.license_id}
        ]
    bad_tags = [t for t in fields.tags if not TAG.match(t)]
    if bad_tags:
        errors["tags"] = [
            _("Tag “%(tag)s” must be 2 to 100 letters, digits, spaces and the symbols - _ .")
            % {"tag": bad_tags[0]}
        ]
    known = set(Group.objects.filter(name__in=fields.groups).values_list("name", flat=True))
    missing = [g for g in fields.groups if g not in known]
    if missing:
        errors["groups"] = [_("There is no group “%(name)s”.") % {"name": missing[0]}]
    if fields.url:
        try:
            URLValidator(schemes=["http", "https"])(fields.url)
        except DjangoValidationError:
            errors["url"] = [_("Enter a web address starting with http:// or https://.")]
    return errors


def _search_text(dataset: Dataset, tags: Iterable[str]) -> str:
    words = [dataset.name, dataset.title, dataset.notes, dataset.organization.slug, *tags]
    return " ".join(" ".join(words).lower().split())


def _apply(dataset: Dataset, fields: DatasetFields) -> None:
    for name in (
        "name",
        "title",
        "notes",
        "license_id",
        "author",
        "maintainer",
        "maintainer_email",
        "version",
        "url",
    ):
        setattr(dataset, name, getattr(fields, name))
    tags = sorted(set(fields.tags))
    dataset.search_text = _search_text(dataset, tags)
    dataset.save()
    Tag.objects.bulk_create([Tag(name=t) for t in tags], ignore_conflicts=True)
    dataset.tags.set(Tag.objects.filter(name__in=tags))
    dataset.groups.set(Group.objects.filter(name__in=fields.groups))


def _allowed(actor: User | None, organization: Agency) -> None:
    if actor is not None and not may_publish(user=actor, organization=organization):
        raise PermissionDeniedError(
            _("Only officials of %(agency)s publish its datasets.")
            % {"agency": organization.local_name}
        )


@transaction.atomic
def dataset_create(
    *, actor: User | None, organization: Agency, fields: DatasetFields, origin: str = ""
) -> Dataset:
    """A new dataset of ``organization``. ``actor`` None is the platform itself."""
    _allowed(actor, organization)
    errors = _errors(fields, dataset=None)
    if errors:
        raise DatasetInvalidError(errors)
    dataset = Dataset(organization=organization, origin=origin, created_by=actor)
    _apply(dataset, fields)
    return dataset


@transaction.atomic
def dataset_create_with_links(
    *,
    actor: User | None,
    organization: Agency,
    fields: DatasetFields,
    links: Sequence[tuple[str, str, str, str]] = (),
) -> Dataset:
    """A new dataset with link resources (name, url, format, description), all or none."""
    dataset = dataset_create(actor=actor, organization=organization, fields=fields)
    for name, url, format_, description in links:
        resource_create(
            actor=actor,
            dataset=dataset,
            name=name,
            url=url,
            format=format_,
            description=description,
        )
    return dataset


@transaction.atomic
def dataset_update(*, actor: User | None, dataset: Dataset, fields: DatasetFields) -> Dataset:
    """Replace what ``dataset`` says about itself (its resources stay)."""
    _allowed(actor, dataset.organization)
    dataset = Dataset.objects.select_for_update().select_related("organization").get(pk=dataset.pk)
    errors = _errors(fields, dataset=dataset)
    if errors:
        raise DatasetInvalidError(errors)
    _apply(dataset, fields)
    return dataset


def _version_table(resource: Resource, number: int, table: Table) -> ResourceVersion:
    fields_check(table.fields)
    version = ResourceVersion.objects.create(
        resource=resource,
        number=number,
        created_at=timezone.now(),
        fields=[{"id": c["id"], "type": c.get("type", "text")} for c in table.fields],
        mimetype="text/csv",
    )
    rows = rows_typed(table.fields, table.rows)
    digest = table_digest_start(version.fields)
    count = 0
    while batch := list(itertools.islice(rows, ROW_BATCH)):
        Row.objects.bulk_create(
            Row(version=version, number=count + i, data=data) for i, data in enumerate(batch, 1)
        )
        for data in batch:
            digest.update(canonical_row(data))
        count += len(batch)
    version.row_count = count
    version.digest = digest.hexdigest()
    version.save(update_fields=["row_count", "digest"])
    if count >= ANALYZE_AFTER_ROWS and connection.vendor == "postgresql":
        # Until autovacuum gets to it, PostgreSQL plans on the rows it knew before, and a
        # new large table's pages were read by sorting it whole (88 ms a page of 5,000
        # instead of 3): bring its statistics up to date now (a sample, in this transaction).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Row._meta.db_table}")
    return version


# A table version this large refreshes PostgreSQL's statistics of the rows at once.
ANALYZE_AFTER_ROWS = 50_000


def table_digest_start(fields: list[dict[str, str]]) -> Any:
    """A SHA-256 over a table's columns, to be fed each typed row (``canonical_row``)."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode())


def table_digest(fields: list[dict[str, str]], rows: Iterable[dict[str, Any]]) -> str:
    """The digest ``_version_table`` stores for these columns and typed rows."""
    digest = table_digest_start(fields)
    for row in rows:
        digest.update(canonical_row(row))
    return str(digest.hexdigest())


def canonical_row(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def _version_file(resource: Resource, number: int, upload: UploadedFile) -> ResourceVersion:
    if upload.size is None or upload.size == 0:
        raise DatasetInvalidError({"upload": [_("The file is empty.")]})
    if upload.size > MAX_FILE_BYTES:
        raise DatasetInvalidError({"upload": [_("The file must be 100 MB or smaller.")]})
    name = re.sub(r"[^A-Za-z0-9._-]", "_", upload.name or "file")[-100:]
    version = ResourceVersion(
        resource=resource,
        number=number,
        created_at=timezone.now(),
        size=upload.size,
        mimetype=upload.content_type or mimetypes.guess_type(name)[0] or "",
    )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    version.digest = digest.hexdigest()
    version.file.save(name, upload, save=False)
    # Storage is not transactional: if the version's row is rolled back, so is its file.
    stored, storage = version.file.name, version.file.storage
    on_rollback(lambda: storage.delete(stored))
    version.save()
    return version


def _is_csv(upload: UploadedFile) -> bool:
    return (upload.name or "").lower().endswith(".csv") or upload.content_type == "text/csv"


def _content(
    resource: Resource, number: int, *, table: Table | None, upload: UploadedFile | None
) -> None:
    """A table's version from ``table`` or a CSV upload; a file's from the upload."""
    if resource.kind == ResourceKind.TABLE:
        if table is None and upload is not None and not _is_csv(upload):
            raise DatasetInvalidError(
                {"upload": [_("This resource is a table: upload a CSV file.")]}
            )
        _version_table(resource, number, table or table_from_csv(upload))  # type: ignore[arg-type]
    elif upload is not None:
        _version_file(resource, number, upload)


@transaction.atomic
def resource_create(
    *,
    actor: User | None,
    dataset: Dataset,
    name: str,
    description: str = "",
    format: str = "",
    url: str = "",
    table: Table | None = None,
    upload: UploadedFile | None = None,
) -> Resource:
    """A new resource of ``dataset``: a table (``table``, or an uploaded CSV file), a file
    (``upload``) or a link (``url``), with its first version."""
    _allowed(actor, dataset.organization)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Missing value")]
    if table is None and upload is None and not url:
        errors["url"] = [_("Give a file to upload, a table, or a web address.")]
    if url and table is None and upload is None:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            errors["url"] = [_("Enter a web address starting with http:// or https://.")]
    if errors:
        raise DatasetInvalidError(errors)
    is_csv = upload is not None and _is_csv(upload)
    kind = (
        ResourceKind.TABLE
        if table is not None or is_csv
        else ResourceKind.FILE
        if upload is not None
        else ResourceKind.LINK
    )
    resource = Resource.objects.create(
        dataset=dataset,
        name=name.strip()[:300],
        description=description,
        kind=kind,
        format=(format or ("CSV" if kind == ResourceKind.TABLE else "")).upper()[:40],
        position=dataset.resources.count(),
        url=url if kind == ResourceKind.LINK else "",
    )
    _content(resource, 1, table=table, upload=upload)
    Dataset.objects.filter(pk=dataset.pk).update(updated_at=timezone.now())
    return resource


@transaction.atomic
def resource_version_add(
    *,
    actor: User | None,
    resource: Resource,
    table: Table | None = None,
    upload: UploadedFile | None = None,
) -> ResourceVersion:
    """New content for ``resource``; the earlier versions stay downloadable."""
    _allowed(actor, resource.dataset.organization)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.kind == ResourceKind.LINK:
        raise DatasetInvalidError({"url": [_("A link has no versions; change its address.")]})
    if table is None and upload is None:
        raise DatasetInvalidError({"upload": [_("Choose the new file.")]})
    last = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    _content(resource, last + 1, table=table, upload=upload)
    resource.save(update_fields=["updated_at"])
    Dataset.objects.filter(pk=resource.dataset_id).update(updated_at=timezone.now())
    return resource.versions.get(number=last + 1)


@transaction.atomic
def group_create(
    *, name: str, title: dict[str, str], description: dict[str, str] | None = None
) -> Group:
    if not NAME.match(name):
        raise DatasetInvalidError(
            {
                "name": [
                    _("Must be 2 to 100 lower-case letters (a-z), digits and the symbols - and _.")
                ]
            }
        )
    if Group.objects.filter(name=name).exists():
        raise DatasetInvalidError({"name": [_("Group name already exists in database")]})
    return Group.objects.create(name=name, title=title, description=description or {})
