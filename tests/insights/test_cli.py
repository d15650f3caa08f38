"""`ventanilla insights fold` and `import-offline`, as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import _clean_env


def _run(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ventanilla", *arguments],
        env=_clean_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the command is the same on both databases"
)
def test_an_operator_folds_a_day_again_and_imports_offline_counts(tmp_path: Path) -> None:
    assert _run(tmp_path, "manage", "migrate", "-v0").returncode == 0

    folded = _run(tmp_path, "insights", "fold", "--day", "2026-04-06")
    assert folded.returncode == 0, folded.stderr
    assert folded.stdout == "2026-04-06: 0 fact rows, 0 decision-time rows\n"

    wrong_day = _run(tmp_path, "insights", "fold", "--day", "6/4/2026")
    assert wrong_day.returncode == 2
    assert "'6/4/2026' is not a day: write YYYY-MM-DD" in wrong_day.stderr

    counts = tmp_path / "counts.csv"
    counts.write_text("day,service,channel,count\n2026-04-06,passport,counter,7\n")
    imported = _run(tmp_path, "insights", "import-offline", str(counts))
    assert imported.returncode == 1
    assert imported.stdout == f"{counts}: Line 2, column service: there is no service “passport”.\n"
