"""`ventanilla up` as a new user runs it: a real server process on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["VENTANILLA_DATA_DIR"] = str(data_dir)
    return env


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="`up` is the embedded SQLite mode; run once"
)
def test_up_serves_demoland_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ventanilla",
            "up",
            "--port",
            str(port),
            "--workers",
            "1",
            "--residents",
            "50",
        ],
        env=_clean_env(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Emails (sign-up codes) are printed in this terminal." in line:
                break
        text = "".join(output)
        assert f"Ventanilla is running at http://127.0.0.1:{port}/" in text, text
        assert "resident@demoland.example" in text
        assert "official@civil-registry.demoland.example" in text

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=10) as response:
            html = response.read().decode()
        assert response.status == 200
        assert "Having a baby" in html
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, "".join(output) + rest
    assert "Stopped." in rest
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_manage_passes_through_to_django(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ventanilla", "manage", "check"],
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the worker is the same on both databases"
)
def test_the_worker_signs_a_checkpoint_over_new_ledger_entries(tmp_path: Path) -> None:
    env = {**_clean_env(tmp_path), "VENTANILLA_LEDGER_CHECKPOINT_SECONDS": "0.5"}
    manage = [sys.executable, "-m", "ventanilla", "manage"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    subprocess.run([*manage, "createcachetable"], env=env, check=True, timeout=60)
    append = (
        "from django.db import transaction\n"
        "from ventanilla.ledger.services import ledger_append\n"
        "with transaction.atomic():\n"
        "    for n in range(3):\n"
        "        ledger_append(kind='casework.case.opened', body={'n': n})\n"
    )
    subprocess.run([*manage, "shell", "-c", append], env=env, check=True, timeout=60)
    size = (
        "from ventanilla.ledger.models import Checkpoint\n"
        "print(Checkpoint.objects.order_by('-size').values_list('size', flat=True).first())"
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "ventanilla", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, signed = time.monotonic() + 30, ""
        while time.monotonic() < deadline and signed != "3":
            time.sleep(0.5)
            result = subprocess.run(
                [*manage, "shell", "-c", size], env=env, capture_output=True, text=True, timeout=60
            )
            signed = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        assert signed == "3"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
