"""Impact accounting with the Standard Cost Model. Pure: no database.

Each service declares what one transaction cost the resident and the agency before it
went digital and what it costs now (``performance.resident`` and ``performance.agency``),
and how much of the resident's time one once-only look-up saves
(``performance.lookup_minutes``). The saving is the difference times the transactions
made the new way (on the website or through the API), and the look-up minutes times the
look-ups answered. A service that had digital transactions but declares no figures is
named as not counted rather than counted as saving nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ventanilla.insights.enums import DIGITAL_CHANNELS
from ventanilla.insights.kpis import CENTS, ONE_DECIMAL, FactTotals
from ventanilla.insights.performance import PerformanceSpec

MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class Impact:
    digital_transactions: int
    resident_hours_saved: Decimal
    resident_money_saved: Decimal
    visits_avoided: int
    documents_avoided: int
    agency_hours_saved: Decimal
    agency_money_saved: Decimal
    once_only_hours_saved: Decimal
    not_counted: tuple[str, ...]  # services with digital transactions but no figures


def impact(
    totals: FactTotals, *, specs: Mapping[int, PerformanceSpec], names: Mapping[int, str]
) -> Impact:
    digital: dict[int, int] = {}
    fetched: dict[int, int] = {}
    for row in totals.by_service_channel:
        if row.channel in DIGITAL_CHANNELS:
            digital[row.service_id] = digital.get(row.service_id, 0) + row.transactions
        fetched[row.service_id] = fetched.get(row.service_id, 0) + row.evidence_fetched
    resident_minutes = agency_minutes = lookup_minutes = 0
    resident_money = agency_money = Decimal(0)
    visits = documents = 0
    not_counted: set[str] = set()
    for service_id in sorted(set(digital) | set(fetched)):
        spec = specs.get(service_id) or PerformanceSpec()
        n = digital.get(service_id, 0)
        before, after = spec.resident_before, spec.resident_after
        if before and after:
            resident_minutes += n * (before.minutes - after.minutes)
            resident_money += n * (before.out_of_pocket - after.out_of_pocket)
            visits += n * (before.visits - after.visits)
            documents += n * (before.documents - after.documents)
        elif n:
            not_counted.add(names[service_id])
        handled_before, handled_after = spec.agency_before, spec.agency_after
        if handled_before and handled_after:
            agency_minutes += n * (handled_before.minutes - handled_after.minutes)
            agency_money += n * (handled_before.cost - handled_after.cost)
        elif n:
            not_counted.add(names[service_id])
        if spec.lookup_minutes is not None:
            lookup_minutes += fetched.get(service_id, 0) * spec.lookup_minutes
        elif fetched.get(service_id):
            not_counted.add(names[service_id])
    return Impact(
        digital_transactions=sum(digital.values()),
        resident_hours_saved=_hours(resident_minutes),
        resident_money_saved=resident_money.quantize(CENTS, ROUND_HALF_UP),
        visits_avoided=visits,
        documents_avoided=documents,
        agency_hours_saved=_hours(agency_minutes),
        agency_money_saved=agency_money.quantize(CENTS, ROUND_HALF_UP),
        once_only_hours_saved=_hours(lookup_minutes),
        not_counted=tuple(sorted(not_counted)),
    )


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(ONE_DECIMAL, ROUND_HALF_UP)
