"""Settings are read at import: each case imports them in a fresh interpreter."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from tests.exchange.test_adapters import certificate

PRINT = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SECRET_KEY); print(settings.DATABASES['default']['ENGINE'])"
)


def _run(env: dict[str, str], code: str = PRINT) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VENTANILLA_", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "AWS_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "ventanilla.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_embedded_mode_makes_its_data_dir_and_keeps_one_secret_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = _run({"VENTANILLA_DATA_DIR": str(data_dir)})
    second = _run({"VENTANILLA_DATA_DIR": str(data_dir)})
    assert first.returncode == 0, first.stderr
    key, engine = first.stdout.split()
    assert engine == "ventanilla.core.sqlite"  # Django's, with writers queueing
    assert len(key) >= 50
    assert second.stdout.split()[0] == key
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600


def test_embedded_mode_makes_the_ledger_keys_once_and_keeps_them_private(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.VENTANILLA_LEDGER_SIGNING_KEY, s.VENTANILLA_PSEUDONYM_KEY)"
    )
    first = _run({"VENTANILLA_DATA_DIR": str(tmp_path)}, code)
    second = _run({"VENTANILLA_DATA_DIR": str(tmp_path)}, code)
    assert first.returncode == 0, first.stderr
    signing, pseudonym = first.stdout.split()
    assert len(base64.b64decode(signing)) == 32
    assert len(pseudonym) >= 32
    assert second.stdout == first.stdout
    for name in ("ledger_signing_key", "pseudonym_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def test_embedded_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"
    result = _run({"VENTANILLA_DATA_DIR": str(tmp_path)}, code)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "ventanilla.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


LEDGER_KEYS = {
    "VENTANILLA_LEDGER_SIGNING_KEY": base64.b64encode(b"s" * 32).decode(),
    "VENTANILLA_PSEUDONYM_KEY": "p" * 40,
    "VENTANILLA_EXCHANGE_SIGNING_KEY": base64.b64encode(b"e" * 32).decode(),
}


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "gov.example"}, "VENTANILLA_MODE=production needs SECRET_KEY"),
        (
            {"ALLOWED_HOSTS": "gov.example", "SECRET_KEY": "short"},
            "VENTANILLA_MODE=production needs SECRET_KEY",
        ),
        ({"SECRET_KEY": "k" * 64}, "VENTANILLA_MODE=production needs ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "gov.example"},
            "VENTANILLA_LEDGER_SIGNING_KEY must be an Ed25519 private key",
        ),
        (
            {
                "SECRET_KEY": "k" * 64,
                "ALLOWED_HOSTS": "gov.example",
                "VENTANILLA_LEDGER_SIGNING_KEY": base64.b64encode(b"s" * 31).decode(),
            },
            "VENTANILLA_LEDGER_SIGNING_KEY must be an Ed25519 private key",
        ),
        (
            {
                "SECRET_KEY": "k" * 64,
                "ALLOWED_HOSTS": "gov.example",
                "VENTANILLA_LEDGER_SIGNING_KEY": LEDGER_KEYS["VENTANILLA_LEDGER_SIGNING_KEY"],
                "VENTANILLA_PSEUDONYM_KEY": "short",
            },
            "VENTANILLA_PSEUDONYM_KEY must be a random value of at least 32 characters",
        ),
        (
            {
                "SECRET_KEY": "k" * 64,
                "ALLOWED_HOSTS": "gov.example",
                "VENTANILLA_LEDGER_SIGNING_KEY": LEDGER_KEYS["VENTANILLA_LEDGER_SIGNING_KEY"],
                "VENTANILLA_PSEUDONYM_KEY": LEDGER_KEYS["VENTANILLA_PSEUDONYM_KEY"],
            },
            "VENTANILLA_EXCHANGE_SIGNING_KEY must be an Ed25519 private key",
        ),
        (
            {
                "SECRET_KEY": "k" * 64,
                "ALLOWED_HOSTS": "gov.example",
                **LEDGER_KEYS,
                "VENTANILLA_BENCH_VIEWS": "true",
            },
            "VENTANILLA_MODE=production refuses it",
        ),
    ],
)
def test_production_mode_refuses_unsafe_settings_and_names_the_variable(
    tmp_path: Path, env: dict[str, str], missing: str
) -> None:
    result = _run({"VENTANILLA_MODE": "production", "VENTANILLA_DATA_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_mode_starts_with_a_real_key_and_hosts(tmp_path: Path) -> None:
    result = _run(
        {
            "VENTANILLA_MODE": "production",
            "VENTANILLA_DATA_DIR": str(tmp_path / "unused"),
            "SECRET_KEY": "k" * 64,
            "ALLOWED_HOSTS": "gov.example",
            **LEDGER_KEYS,
            "VENTANILLA_ALLOW_SANDBOX_PAYMENTS": "true",
        }
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "unused" / "secret_key").exists()


def test_production_mode_refuses_the_payment_sandbox_unless_told(tmp_path: Path) -> None:
    result = _run(
        {
            "VENTANILLA_MODE": "production",
            "VENTANILLA_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 64,
            "ALLOWED_HOSTS": "gov.example",
            **LEDGER_KEYS,
        }
    )
    assert result.returncode != 0
    assert "VENTANILLA_PAYMENT_PROVIDER" in result.stderr
    assert "VENTANILLA_ALLOW_SANDBOX_PAYMENTS" in result.stderr


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    result = _run({"VENTANILLA_MODE": "testing", "VENTANILLA_DATA_DIR": str(tmp_path)})
    assert "VENTANILLA_MODE must be 'embedded' or 'production', not 'testing'." in result.stderr


def test_the_cli_says_what_is_missing_without_a_traceback(tmp_path: Path) -> None:
    result = _run(
        {"VENTANILLA_MODE": "production", "VENTANILLA_DATA_DIR": str(tmp_path)},
        "import sys; from ventanilla.cli import main; sys.exit(main(['manage', 'check']))",
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "ventanilla: cannot start: VENTANILLA_MODE=production needs SECRET_KEY"
    )
    assert "Traceback" not in result.stderr


UPLOADS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.core.files.storage import storages; storage = storages['uploads']; "
    "print(json.dumps(settings.STORAGES['uploads'])); "
    "print(type(storage).__module__ + '.' + type(storage).__name__); "
    "print(getattr(storage, 'access_key', '-'), hasattr(settings, 'AWS_ACCESS_KEY_ID'))"
)


def _uploads(env: dict[str, str]) -> tuple[dict[str, Any], str, str]:
    result = _run(env, UPLOADS)
    assert result.returncode == 0, result.stderr
    config, backend, credentials = result.stdout.splitlines()
    return json.loads(config), backend, credentials


def test_uploads_stay_under_the_data_dir_without_a_bucket(tmp_path: Path) -> None:
    config, backend, _credentials = _uploads({"VENTANILLA_DATA_DIR": str(tmp_path)})
    assert config == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads")},
    }
    assert backend == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_bucket_puts_uploads_in_private_s3_objects_with_credentials_from_the_environment(
    tmp_path: Path,
) -> None:
    config, backend, credentials = _uploads(
        {
            "VENTANILLA_DATA_DIR": str(tmp_path),
            "VENTANILLA_UPLOADS_S3_BUCKET": "ventanilla-evidence",
            "VENTANILLA_UPLOADS_S3_ENDPOINT_URL": "https://s3.gov.example",
            "VENTANILLA_UPLOADS_S3_REGION": "eu-south-2",
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "secret-from-the-environment",
        }
    )
    assert config == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "ventanilla-evidence",
            "endpoint_url": "https://s3.gov.example",
            "region_name": "eu-south-2",
            "location": "uploads",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    assert backend == "storages.backends.s3.S3Storage"
    # boto3's credentials are read by the storage from the environment, never kept in settings
    assert credentials == "AKIAEXAMPLE False"
    assert "secret-from-the-environment" not in json.dumps(config)


def test_the_bucket_prefix_can_change_and_endpoint_and_region_are_optional(
    tmp_path: Path,
) -> None:
    config, _backend, _credentials = _uploads(
        {
            "VENTANILLA_DATA_DIR": str(tmp_path),
            "VENTANILLA_UPLOADS_S3_BUCKET": "shared",
            "VENTANILLA_UPLOADS_S3_PREFIX": "/ventanilla/evidence/",
        }
    )
    assert config["OPTIONS"]["location"] == "ventanilla/evidence"
    assert (config["OPTIONS"]["endpoint_url"], config["OPTIONS"]["region_name"]) == (None, None)


@pytest.mark.parametrize(
    "content",
    [None, b"", b"-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n"],
    ids=["missing", "empty", "not a certificate"],
)
def test_the_exchanges_certificate_authorities_must_be_a_pem_file_of_them(
    tmp_path: Path, content: bytes | None
) -> None:
    ca_file = tmp_path / "federation-ca.pem"
    if content is not None:
        ca_file.write_bytes(content)

    result = _run(
        {"VENTANILLA_DATA_DIR": str(tmp_path), "VENTANILLA_EXCHANGE_CA_FILE": str(ca_file)}
    )

    assert result.returncode != 0
    assert (
        f"VENTANILLA_EXCHANGE_CA_FILE names {ca_file}, which is not a readable PEM file of "
        "certificates" in result.stderr
    )


def test_the_exchanges_certificate_authorities_are_taken_from_a_pem_file(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    ca_file = tmp_path / "federation-ca.pem"
    ca_file.write_bytes(
        certificate("Demoland federation CA", key, None, key).public_bytes(Encoding.PEM)
    )

    result = _run(
        {"VENTANILLA_DATA_DIR": str(tmp_path), "VENTANILLA_EXCHANGE_CA_FILE": str(ca_file)},
        PRINT.replace("settings.SECRET_KEY", "settings.VENTANILLA_EXCHANGE_CA_FILE"),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == str(ca_file)
