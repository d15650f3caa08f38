from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from ventanilla.identity.models import ApiToken
from ventanilla.identity.selectors import api_token_user

pytestmark = pytest.mark.django_db


def test_a_resident_makes_a_key_sees_it_once_and_revokes_it() -> None:
    resident = factories.resident()
    client = Client()
    client.force_login(resident)

    html = client.post("/en/my/api-keys/", {"name": "My accountant"}).content.decode()

    token = ApiToken.objects.get()
    key = html.split('<code class="code" id="new-key">')[1].split("</code>")[0]
    assert key.startswith("vnt_") and token.key_hash != key
    assert api_token_user(key=key) == resident
    assert key not in client.get("/en/my/api-keys/").content.decode()

    client.post("/en/my/api-keys/", {"revoke": token.pk})
    assert api_token_user(key=key) is None


def test_a_key_needs_a_name_and_another_persons_key_cannot_be_revoked() -> None:
    owner = factories.resident()
    client = Client()
    client.force_login(owner)
    response = client.post("/en/my/api-keys/", {"name": "  "})
    assert response.status_code == 400
    assert "Give the key a name" in response.content.decode()

    stranger = Client()
    stranger.force_login(factories.resident())
    client.post("/en/my/api-keys/", {"name": "mine"})
    assert (
        stranger.post("/en/my/api-keys/", {"revoke": ApiToken.objects.get().pk}).status_code == 404
    )
