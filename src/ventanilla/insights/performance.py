"""A service definition's ``performance`` section, read into typed figures. Pure: the
shape was checked by ``catalogue.schemas.performance_schema`` when the file was loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Burden:
    """What one transaction costs the resident (Standard Cost Model)."""

    minutes: int
    visits: int = 0
    out_of_pocket: Decimal = Decimal(0)
    documents: int = 0


@dataclass(frozen=True)
class Handling:
    """What one transaction costs the agency."""

    minutes: int
    cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class PerformanceSpec:
    unit_costs: dict[str, Decimal] = field(default_factory=dict)
    resident_before: Burden | None = None
    resident_after: Burden | None = None
    agency_before: Handling | None = None
    agency_after: Handling | None = None
    lookup_minutes: int | None = None


def _burden(data: dict[str, Any]) -> Burden:
    return Burden(
        minutes=data["minutes"],
        visits=data.get("visits", 0),
        out_of_pocket=Decimal(data.get("out_of_pocket", "0")),
        documents=data.get("documents", 0),
    )


def _handling(data: dict[str, Any]) -> Handling:
    return Handling(minutes=data["minutes"], cost=Decimal(data.get("cost", "0")))


def performance_spec(definition: dict[str, Any]) -> PerformanceSpec:
    """The figures a service definition declares; empty where it declares none."""
    data = definition.get("performance") or {}
    resident, agency = data.get("resident"), data.get("agency")
    return PerformanceSpec(
        unit_costs={channel: Decimal(cost) for channel, cost in data.get("unit_costs", {}).items()},
        resident_before=_burden(resident["before"]) if resident else None,
        resident_after=_burden(resident["after"]) if resident else None,
        agency_before=_handling(agency["before"]) if agency else None,
        agency_after=_handling(agency["after"]) if agency else None,
        lookup_minutes=data.get("lookup_minutes"),
    )
