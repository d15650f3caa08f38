"""Our catalogue's objects in the shapes CKAN's Action API gives them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.urls import reverse
from django.utils import timezone

from ventanilla.core.i18n import localized
from ventanilla.identity.models import Agency
from ventanilla.opendata.enums import ResourceKind
from ventanilla.opendata.licences import LICENCES
from ventanilla.opendata.models import Dataset, Group, Resource, ResourceVersion, Tag
from ventanilla.opendata.selectors import organization_id


def when(moment: dt.datetime) -> str:
    """CKAN writes times in UTC without an offset: 2026-12-01T09:30:00.123456."""
    return timezone.localtime(moment, dt.UTC).replace(tzinfo=None).isoformat()


def organization_dict(agency: Agency, *, package_count: int | None = None) -> dict[str, Any]:
    out = {
        "id": str(organization_id(agency)),
        "name": agency.slug,
        "title": agency.local_name,
        "display_name": agency.local_name,
        "description": agency.local_description,
        "image_url": "",
        "image_display_url": "",
        "created": when(agency.created_at),
        "is_organization": True,
        "type": "organization",
        "state": "active",
        "approval_status": "approved",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(group: Group, *, package_count: int | None = None) -> dict[str, Any]:
    out = {
        "id": str(group.id),
        "name": group.name,
        "title": group.local_title,
        "display_name": group.local_title,
        "description": localized(group.description),
        "image_url": "",
        "image_display_url": "",
        "created": when(group.created_at),
        "is_organization": False,
        "type": "group",
        "state": "active",
        "approval_status": "approved",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def tag_dict(tag: Tag) -> dict[str, Any]:
    return {
        "id": str(tag.id),
        "name": tag.name,
        "display_name": tag.name,
        "state": "active",
        "vocabulary_id": None,
    }


def resource_url(site: str, resource: Resource) -> str:
    if resource.kind == ResourceKind.LINK:
        return resource.url
    return site + reverse("opendata-download", args=[resource.id])


def resource_dict(site: str, resource: Resource, version: ResourceVersion | None) -> dict[str, Any]:
    return {
        "id": str(resource.id),
        "package_id": str(resource.dataset_id),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": resource_url(site, resource),
        "url_type": None if resource.kind == ResourceKind.LINK else "upload",
        "mimetype": version.mimetype if version else None,
        "size": (version.size or None) if version else None,
        "hash": "",
        "position": resource.position,
        "created": when(resource.created_at),
        "last_modified": when(version.created_at) if version else None,
        "metadata_modified": when(resource.updated_at),
        "state": "active",
        "datastore_active": resource.kind == ResourceKind.TABLE,
        "version": version.number if version else None,
        "row_count": version.row_count if version and resource.kind == ResourceKind.TABLE else None,
    }


def dataset_dict(
    site: str, dataset: Dataset, versions: dict[uuid.UUID, ResourceVersion]
) -> dict[str, Any]:
    """``dataset`` with its (prefetched) organisation, tags, groups and resources."""
    licence = LICENCES.get(dataset.license_id)
    tags = list(dataset.tags.all())
    resources = list(dataset.resources.all())
    return {
        "id": str(dataset.id),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "url": dataset.url,
        "version": dataset.version,
        "author": dataset.author,
        "author_email": "",
        "maintainer": dataset.maintainer,
        "maintainer_email": dataset.maintainer_email,
        "license_id": dataset.license_id,
        "license_title": licence.title if licence else dataset.license_id,
        "license_url": licence.url if licence else "",
        "isopen": licence is not None,
        "owner_org": str(organization_id(dataset.organization)),
        "organization": organization_dict(dataset.organization),
        "private": False,
        "state": "active",
        "type": "dataset",
        "metadata_created": when(dataset.created_at),
        "metadata_modified": when(dataset.updated_at),
        "creator_user_id": None,
        "num_tags": len(tags),
        "tags": [tag_dict(t) for t in tags],
        "groups": [group_dict(g) for g in dataset.groups.all()],
        "num_resources": len(resources),
        "resources": [resource_dict(site, r, versions.get(r.id)) for r in resources],
        "extras": [{"key": "origin", "value": dataset.origin}] if dataset.origin else [],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
