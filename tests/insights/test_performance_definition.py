"""A service definition's optional ``performance`` section: checked, and read into figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from ventanilla.catalogue.services import service_file_problems
from ventanilla.insights.performance import Burden, Handling, PerformanceSpec, performance_spec

CHILD_BENEFIT = "services/child-benefit.yaml"


def _with_performance(catalogue_dir: Path, performance: object) -> Path:
    path = catalogue_dir / CHILD_BENEFIT
    data = yaml.safe_load(path.read_text())
    data["performance"] = performance
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def test_a_sound_performance_section_has_no_problem_and_reads_into_figures(
    catalogue_dir: Path,
) -> None:
    performance = {
        "unit_costs": {"web": "2.00", "counter": "15.50"},
        "resident": {
            "before": {"minutes": 180, "visits": 2, "out_of_pocket": "8.00", "documents": 2},
            "after": {"minutes": 20},
        },
        "agency": {"before": {"minutes": 40, "cost": "15.50"}, "after": {"minutes": 10}},
        "lookup_minutes": 45,
    }

    assert service_file_problems(_with_performance(catalogue_dir, performance)) == []
    assert performance_spec({"performance": performance}) == PerformanceSpec(
        unit_costs={"web": Decimal("2.00"), "counter": Decimal("15.50")},
        resident_before=Burden(minutes=180, visits=2, out_of_pocket=Decimal("8.00"), documents=2),
        resident_after=Burden(minutes=20),
        agency_before=Handling(minutes=40, cost=Decimal("15.50")),
        agency_after=Handling(minutes=10),
        lookup_minutes=45,
    )


def test_a_definition_without_the_section_has_no_figures() -> None:
    assert performance_spec({}) == PerformanceSpec()


def test_a_wrong_performance_section_is_reported_with_its_path(catalogue_dir: Path) -> None:
    performance = {
        "unit_costs": {"web": "two euros"},
        "resident": {"before": {"minutes": 180}},
        "lookup_minutes": -5,
    }

    problems = sorted(
        str(p) for p in service_file_problems(_with_performance(catalogue_dir, performance))
    )

    assert problems == [
        "performance.lookup_minutes: -5 is less than the minimum of 0",
        "performance.resident.after: 'after' is a required property",
        "performance.unit_costs.web: 'two euros' does not match '^\\\\d{1,7}(\\\\.\\\\d{1,2})?$'",
    ]


def test_a_unit_cost_for_an_unknown_channel_is_refused(catalogue_dir: Path) -> None:
    path = _with_performance(catalogue_dir, {"unit_costs": {"fax": "1.00"}})

    assert [str(p) for p in service_file_problems(path)] == [
        "performance.unit_costs: 'fax' is not one of "
        "['web', 'counter', 'kiosk', 'sms', 'ussd', 'phone', 'post', 'api']",
    ]
