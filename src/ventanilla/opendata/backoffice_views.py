"""The back office's open-data pages: an agency's officials publish its datasets, add
resources and upload new versions (earlier versions stay downloadable)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ventanilla.backoffice.views import _agency, _official, official_required
from ventanilla.core.errors import DatasetInvalidError, NotFoundError, PermissionDeniedError
from ventanilla.identity.models import Agency
from ventanilla.opendata import selectors, services
from ventanilla.opendata.forms import DatasetForm, ResourceForm, VersionForm
from ventanilla.opendata.models import Dataset, Resource


def _dataset(agency: Agency, name: str) -> Dataset:
    try:
        dataset = selectors.dataset_get(id_or_name=name)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    if dataset.organization_id != agency.pk:
        raise Http404(_("There is no such dataset."))
    return dataset


def _resource(dataset: Dataset, resource_id: str) -> Resource:
    try:
        resource = selectors.resource_get(id=resource_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    if resource.dataset_id != dataset.pk:
        raise Http404(_("There is no such resource."))
    return resource


def _put_back(form: DatasetForm | ResourceForm | VersionForm, error: DatasetInvalidError) -> None:
    for field, errors in error.errors.items():
        # a file's rows are checked as "records": on these forms, that is the upload
        target = field if field in form.fields else "upload" if "upload" in form.fields else None
        for message in errors:
            form.add_error(target, message)


@require_GET
@official_required
def dataset_list(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _agency(request, slug)
    found = selectors.dataset_search(fq=f'organization:"{agency.slug}"', rows=1000, sort="name asc")
    return render(
        request, "opendata/backoffice_datasets.html", {"agency": agency, "datasets": found.datasets}
    )


@require_http_methods(["GET", "POST"])
@official_required
def dataset_new(request: HttpRequest, slug: str) -> HttpResponse:
    agency = _agency(request, slug)
    form = DatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_create(
                actor=_official(request), organization=agency, fields=form.dataset_fields()
            )
        except DatasetInvalidError as exc:
            _put_back(form, exc)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from None
        else:
            messages.success(request, _("The dataset is published. Add its data next."))
            return redirect("backoffice:data-resource-new", agency.slug, dataset.name)
    return render(
        request, "opendata/backoffice_dataset_form.html", {"agency": agency, "form": form}
    )


@require_http_methods(["GET", "POST"])
@official_required
def dataset_edit(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    agency = _agency(request, slug)
    dataset = _dataset(agency, name)
    initial = {
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "license_id": dataset.license_id,
        "tags": ", ".join(t.name for t in dataset.tags.all()),
        "groups": [g.name for g in dataset.groups.all()],
    }
    form = DatasetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_update(
                actor=_official(request), dataset=dataset, fields=form.dataset_fields()
            )
        except DatasetInvalidError as exc:
            _put_back(form, exc)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from None
        else:
            messages.success(request, _("The dataset's description is saved."))
            return redirect("backoffice:data-edit", agency.slug, dataset.name)
    return render(
        request,
        "opendata/backoffice_dataset_form.html",
        {
            "agency": agency,
            "dataset": dataset,
            "form": form,
            "versions": selectors.resource_latest_versions(resources=list(dataset.resources.all())),
        },
    )


@require_http_methods(["GET", "POST"])
@official_required
def resource_new(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    agency = _agency(request, slug)
    dataset = _dataset(agency, name)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resource_create(
                actor=_official(request),
                dataset=dataset,
                name=data["name"],
                description=data["description"],
                format=data["format"],
                url="" if data["upload"] else data["url"],
                upload=data["upload"],
            )
        except DatasetInvalidError as exc:
            _put_back(form, exc)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from None
        else:
            messages.success(request, _("The resource is published."))
            return redirect("backoffice:data-edit", agency.slug, dataset.name)
    return render(
        request,
        "opendata/backoffice_resource_form.html",
        {"agency": agency, "dataset": dataset, "form": form},
    )


@require_http_methods(["GET", "POST"])
@official_required
def resource_version(request: HttpRequest, slug: str, name: str, resource_id: str) -> HttpResponse:
    agency = _agency(request, slug)
    dataset = _dataset(agency, name)
    resource = _resource(dataset, resource_id)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.resource_version_add(
                actor=_official(request), resource=resource, upload=form.cleaned_data["upload"]
            )
        except DatasetInvalidError as exc:
            _put_back(form, exc)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from None
        else:
            messages.success(
                request,
                _("Version %(number)s is published; the earlier ones stay downloadable.")
                % {"number": version.number},
            )
            return redirect("backoffice:data-edit", agency.slug, dataset.name)
    return render(
        request,
        "opendata/backoffice_version_form.html",
        {"agency": agency, "dataset": dataset, "resource": resource, "form": form},
    )
