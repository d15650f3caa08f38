from __future__ import annotations

from tests.casework.test_cases import case  # noqa: F401 - a submitted child-benefit case
