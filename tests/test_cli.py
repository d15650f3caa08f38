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
