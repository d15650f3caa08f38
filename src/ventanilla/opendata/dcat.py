"""The catalogue as DCAT-AP (RDF), for the EU data portal's and other harvesters."""

from __future__ import annotations

from django.urls import reverse
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from ventanilla.opendata.enums import ResourceKind
from ventanilla.opendata.licences import LICENCES
from ventanilla.opendata.models import Dataset
from ventanilla.opendata.selectors import resource_latest_versions

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FORMATS = "http://publications.europa.eu/resource/authority/file-type/"


def catalogue_graph(*, site: str, title: str, description: str, language: str) -> Graph:
    """Every dataset with its publisher, themes, keywords and distributions."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    catalogue = URIRef(site + "/catalog")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal(title, lang=language)))
    graph.add((catalogue, DCTERMS.description, Literal(description, lang=language)))
    graph.add((catalogue, FOAF.homepage, URIRef(site + reverse("opendata:datasets"))))
    datasets = list(
        Dataset.objects.select_related("organization").prefetch_related(
            "tags", "groups", "resources"
        )
    )
    versions = resource_latest_versions(resources=[r for d in datasets for r in d.resources.all()])
    for dataset in datasets:
        node = URIRef(site + reverse("opendata:dataset", args=[dataset.name]))
        graph.add((catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(str(dataset.id))))
        graph.add((node, DCTERMS.title, Literal(dataset.title)))
        graph.add((node, DCTERMS.description, Literal(dataset.notes or dataset.title)))
        graph.add((node, DCTERMS.issued, Literal(dataset.created_at, datatype=XSD.dateTime)))
        graph.add((node, DCTERMS.modified, Literal(dataset.updated_at, datatype=XSD.dateTime)))
        publisher = URIRef(
            site + reverse("opendata:organization", args=[dataset.organization.slug])
        )
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((publisher, RDF.type, FOAF.Organization))
        graph.add((publisher, FOAF.name, Literal(dataset.organization.local_name)))
        for tag in dataset.tags.all():
            graph.add((node, DCAT.keyword, Literal(tag.name)))
        for group in dataset.groups.all():
            graph.add(
                (
                    node,
                    DCAT.theme,
                    URIRef(site + reverse("opendata:datasets") + f"?group={group.name}"),
                )
            )
        licence = LICENCES.get(dataset.license_id)
        for resource in dataset.resources.all():
            distribution = URIRef(f"{site}/opendata/resources/{resource.id}")
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCTERMS.title, Literal(resource.name)))
            if resource.description:
                graph.add((distribution, DCTERMS.description, Literal(resource.description)))
            if resource.kind == ResourceKind.LINK:
                graph.add((distribution, DCAT.accessURL, URIRef(resource.url)))
            else:
                download = URIRef(site + reverse("opendata-download", args=[resource.id]))
                graph.add((distribution, DCAT.accessURL, download))
                graph.add((distribution, DCAT.downloadURL, download))
            if resource.format:
                graph.add(
                    (distribution, DCTERMS["format"], URIRef(FORMATS + resource.format.upper()))
                )
            version = versions.get(resource.id)
            if version is not None and version.mimetype:
                graph.add(
                    (
                        distribution,
                        DCAT.mediaType,
                        URIRef("https://www.iana.org/assignments/media-types/" + version.mimetype),
                    )
                )
            if version is not None and version.size:
                graph.add(
                    (
                        distribution,
                        DCAT.byteSize,
                        Literal(version.size, datatype=XSD.nonNegativeInteger),
                    )
                )
            if licence is not None:
                graph.add((distribution, DCTERMS.license, URIRef(licence.url)))
    return graph
