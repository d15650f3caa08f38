"""The developer page documents the API from its own OpenAPI document, without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_developer_page_lists_every_endpoint_of_the_openapi_document(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()

    response = client.get("/en/developers/")

    assert response.status_code == 200
    html = response.content.decode()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f"{method.upper()} {path}</code>" in html
            assert operation["summary"] in html
    assert "Words to look for." in html  # a parameter's description
    assert '<code class="code">es</code>' in html  # a parameter's choices
    assert 'href="/api/v1/openapi.json"' in html
    assert "<script" not in html


def test_the_developer_page_speaks_spanish(client: Client) -> None:
    html = client.get("/es/developers/").content.decode()
    assert '<html lang="es">' in html
    assert "API para desarrolladores" in html
    assert "obligatorio" in html
    assert "Buscar servicios públicos" in html  # an endpoint's summary
    assert "Palabras que buscar." in html  # a parameter's description
    assert "Cuántos elementos devolver como máximo." in html  # limit, described by us


def test_read_endpoints_document_their_404_and_validated_ones_their_422(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/agencies/{slug}", "/api/v1/services/{slug}"):
        assert "404" in paths[path]["get"]["responses"], path
        assert paths[path]["get"]["parameters"][0]["description"]
    assert "422" in paths["/api/v1/services/search"]["get"]["responses"]


def test_every_page_links_to_the_developer_page(client: Client) -> None:
    assert 'href="/en/developers/"' in client.get("/en/agencies/").content.decode()


def test_there_is_no_docs_page_that_needs_a_cdn(client: Client) -> None:
    assert client.get("/api/v1/docs").status_code == 404


def test_the_developer_page_documents_attaching_a_file(client: Client) -> None:
    html = client.get("/en/developers/").content.decode()
    assert "POST /api/v1/applications/{application_id}/uploads/{slug}</code>" in html
    assert "as the multipart form field file." in html
    assert "Which file, e.g. site-plan." in html
    assert "<td>in a header, optional</td>" in html  # the Idempotency-Key
