from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from tests import factories
from ventanilla.catalogue.selectors import definitions_forget
from ventanilla.catalogue.services import catalogue_load
from ventanilla.exchange.models import DataService
from ventanilla.ledger import tiles

FIXTURES = Path(__file__).parent / "fixtures"
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    """Tests talk to this machine only (databases, the live server): anything else fails."""
    if isinstance(address, tuple):
        host = address[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise RuntimeError(f"a test tried to reach {host}: mock the outside world")
    return _real_connect(self, address)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]


@pytest.fixture
def demo_catalogue(db: None) -> None:
    """The Demoland catalogue, as `ventanilla up` loads it."""
    catalogue_load(directory=settings.VENTANILLA_CATALOGUE_DIR)


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Iterator[Path]:
    """A copy of the small test catalogue that a test may break."""
    target = tmp_path / "catalogue"
    shutil.copytree(FIXTURES / "catalogue", target)
    yield target


@pytest.fixture
def small_catalogue(db: None, catalogue_dir: Path) -> Path:
    catalogue_load(directory=catalogue_dir)
    return catalogue_dir


@pytest.fixture
def connected(small_catalogue: Path) -> DataService:
    """The small catalogue's node with its exchange: the registry's population/person,
    and the agencies' applications systems with access to it."""
    return factories.exchange_connect()


@pytest.fixture
def uploads_dir(settings: Any, tmp_path: Path) -> Path:
    """The "uploads" storage, in a folder of the test's own."""
    location = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture(autouse=True)
def opendata_dir(settings: Any, tmp_path: Path) -> Path:
    """The "opendata" storage (published files), in a folder of the test's own."""
    location = tmp_path / "opendata"
    settings.STORAGES = {
        **settings.STORAGES,
        "opendata": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_page_cache() -> Iterator[None]:
    """Each test's database starts again, so cached pages from another test must not leak."""
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _empty_tile_cache() -> Iterator[None]:
    """Ledger tiles and catalogue definitions are kept per process; each test's database
    is a new one."""
    tiles.cache_clear()
    definitions_forget()
    yield
    tiles.cache_clear()
    definitions_forget()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request leaves its language active in the thread; each test starts in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
