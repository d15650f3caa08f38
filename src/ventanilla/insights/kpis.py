"""Key performance indicators and impact, computed from summed facts. Pure: no database.

``FactTotals`` is what ``selectors.fact_totals`` sums for a service, an agency or the
whole government over a period; every function here turns those sums into numbers a
person can read, or says why a number is not available instead of showing a wrong one.

Definitions (the GOV.UK service standard's four KPIs, then ours):

- digital take-up: transactions made on the website or through the API, out of all
  transactions (offline ones are the counts officials record);
- completion rate: applications sent, out of those that ended (sent or abandoned), on
  the digital channels (the only ones where an unfinished start is seen);
- user satisfaction: the GOV.UK Performance Platform's score, the mean of the answers
  weighted very satisfied 100, satisfied 75, neither 50, dissatisfied 25, very
  dissatisfied 0;
- cost per transaction: each channel's transactions at the unit cost the service
  declares for it, divided by all transactions;
- time to decision: working days from sending to decision, the median and the 90th
  percentile by the nearest-rank method (the smallest value with at least that share of
  decisions at or below it);
- decisions within the deadline: of the approvals and rejections, those made by the date
  the applicant was given;
- once-only rate: evidence fetched from another agency's registry, out of evidence
  fetched or attached by the applicant.

Percentages are rounded half up to one decimal, money to cents, and a target is met when
the rounded value is above it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ventanilla.catalogue.enums import Channel
from ventanilla.insights.enums import DIGITAL_CHANNELS
from ventanilla.insights.performance import PerformanceSpec

SATISFACTION_WEIGHTS = {
    "very_satisfied": 100,
    "satisfied": 75,
    "neither": 50,
    "dissatisfied": 25,
    "very_dissatisfied": 0,
}
ONE_DECIMAL = Decimal("0.1")
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class ServiceChannel:
    """One service's sums through one channel: what cost and impact are weighed by."""

    service_id: int
    channel: str
    transactions: int
    evidence_fetched: int = 0


@dataclass(frozen=True)
class FactTotals:
    counters: Mapping[str, int]
    payments_amount: Decimal = Decimal(0)
    by_service_channel: tuple[ServiceChannel, ...] = ()
    decision_days: Mapping[int, int] = field(default_factory=dict)

    def count(self, name: str) -> int:
        return int(self.counters.get(name) or 0)

    @property
    def transactions(self) -> int:
        return self.count("submitted")

    @property
    def by_channel(self) -> dict[str, int]:
        channels: dict[str, int] = {}
        for row in self.by_service_channel:
            channels[row.channel] = channels.get(row.channel, 0) + row.transactions
        return channels

    @property
    def digital(self) -> int:
        return sum(n for channel, n in self.by_channel.items() if channel in DIGITAL_CHANNELS)


@dataclass(frozen=True)
class Kpi:
    """One indicator: its value, or ``None`` and the reason it is not available."""

    key: str
    value: Decimal | None
    unit: str  # "percent", "money" or "working_days"
    reason: str = ""
    target: Decimal | None = None

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def meets_target(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value > self.target


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _share(key: str, part: int, whole: int, reason: str, target: float | None = None) -> Kpi:
    goal = Decimal(str(target)) if target is not None else None
    if whole == 0:
        return Kpi(key, None, "percent", reason=reason, target=goal)
    return Kpi(key, _percent(part, whole), "percent", target=goal)


def digital_take_up(totals: FactTotals, *, target: float | None = None) -> Kpi:
    return _share(
        "digital_take_up",
        totals.digital,
        totals.transactions,
        _("No transactions in this period."),
        target,
    )


def completion_rate(totals: FactTotals, *, target: float | None = None) -> Kpi:
    sent = totals.digital
    return _share(
        "completion_rate",
        sent,
        sent + totals.count("abandoned"),
        _("No application was sent or abandoned online in this period."),
        target,
    )


def satisfaction(totals: FactTotals, *, target: float | None = None) -> Kpi:
    answers = sum(totals.count(answer) for answer in SATISFACTION_WEIGHTS)
    goal = Decimal(str(target)) if target is not None else None
    if answers == 0:
        return Kpi(
            "satisfaction",
            None,
            "percent",
            reason=_("Nobody answered the satisfaction question in this period."),
            target=goal,
        )
    score = sum(totals.count(answer) * weight for answer, weight in SATISFACTION_WEIGHTS.items())
    value = (Decimal(score) / Decimal(answers)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return Kpi("satisfaction", value, "percent", target=goal)


def cost_per_transaction(
    totals: FactTotals, *, specs: Mapping[int, PerformanceSpec], names: Mapping[int, str]
) -> Kpi:
    """Not available, with the first missing figure named, when a channel that had
    transactions has no unit cost: a partial sum would be a wrong number."""
    if totals.transactions == 0:
        return Kpi("cost_per_transaction", None, "money", _("No transactions in this period."))
    cost = Decimal(0)
    for row in sorted(totals.by_service_channel, key=lambda r: (names[r.service_id], r.channel)):
        if not row.transactions:
            continue
        spec = specs.get(row.service_id)
        unit = spec.unit_costs.get(row.channel) if spec else None
        if unit is None:
            return Kpi(
                "cost_per_transaction",
                None,
                "money",
                _("“%(service)s” declares no unit cost for the channel “%(channel)s”.")
                % {"service": names[row.service_id], "channel": Channel(row.channel).label},
            )
        cost += unit * row.transactions
    value = (cost / totals.transactions).quantize(CENTS, ROUND_HALF_UP)
    return Kpi("cost_per_transaction", value, "money")


def _nearest_rank(histogram: Mapping[int, int], share: Fraction) -> int:
    total = sum(histogram.values())
    rank = max(1, math.ceil(share * total))
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    raise ValueError("empty histogram")


def time_to_decision(totals: FactTotals) -> tuple[Kpi, Kpi]:
    """The median and the 90th percentile of working days from sending to decision."""
    histogram = {days: n for days, n in totals.decision_days.items() if n}
    if not histogram:
        reason = _("No decision was made in this period.")
        return (
            Kpi("decision_days_median", None, "working_days", reason),
            Kpi("decision_days_p90", None, "working_days", reason),
        )
    return (
        Kpi(
            "decision_days_median",
            Decimal(_nearest_rank(histogram, Fraction(1, 2))),
            "working_days",
        ),
        Kpi(
            "decision_days_p90", Decimal(_nearest_rank(histogram, Fraction(9, 10))), "working_days"
        ),
    )


def within_deadline(totals: FactTotals) -> Kpi:
    within = totals.count("within_deadline")
    return _share(
        "within_deadline",
        within,
        within + totals.count("missed_deadline"),
        _("No decision was made in this period."),
    )


def once_only_rate(totals: FactTotals) -> Kpi:
    fetched = totals.count("evidence_fetched")
    return _share(
        "once_only_rate",
        fetched,
        fetched + totals.count("evidence_asked"),
        _("No evidence was fetched or attached in this period."),
    )


@dataclass(frozen=True)
class ChannelShare:
    channel: str
    transactions: int
    percent: Decimal


def channel_mix(totals: FactTotals) -> list[ChannelShare]:
    """Transactions per channel, most used first (ties in the channels' order)."""
    order = {value: position for position, value in enumerate(Channel.values)}
    channels = totals.by_channel
    return [
        ChannelShare(channel, n, _percent(n, totals.transactions))
        for channel, n in sorted(channels.items(), key=lambda item: (-item[1], order[item[0]]))
        if n
    ]


@dataclass(frozen=True)
class KpiReport:
    transactions: int
    publishable: bool
    kpis: dict[str, Kpi]
    channels: list[ChannelShare]
    volumes: dict[str, int]
    payments_amount: Decimal


VOLUMES = ("started", "submitted", "abandoned", "approved", "rejected", "withdrawn", "payments")


def kpi_report(
    totals: FactTotals,
    *,
    specs: Mapping[int, PerformanceSpec],
    names: Mapping[int, str],
    targets: Mapping[str, float],
    min_published: int,
) -> KpiReport:
    """Every KPI of one scope and period. ``publishable`` is False below ``min_published``
    transactions: too few to show the public without risking that someone is recognised,
    and too few for the percentages to mean much."""
    median, p90 = time_to_decision(totals)
    kpis = [
        cost_per_transaction(totals, specs=specs, names=names),
        satisfaction(totals, target=targets.get("satisfaction")),
        completion_rate(totals, target=targets.get("completion_rate")),
        digital_take_up(totals, target=targets.get("digital_take_up")),
        median,
        p90,
        within_deadline(totals),
        once_only_rate(totals),
    ]
    return KpiReport(
        transactions=totals.transactions,
        publishable=totals.transactions >= min_published,
        kpis={kpi.key: kpi for kpi in kpis},
        channels=channel_mix(totals),
        volumes={name: totals.count(name) for name in VOLUMES},
        payments_amount=totals.payments_amount,
    )


# What each KPI is called on the pages, in the order they are shown.
KPI_LABELS = {
    "cost_per_transaction": gettext_lazy("Cost per transaction"),
    "satisfaction": gettext_lazy("User satisfaction"),
    "completion_rate": gettext_lazy("Completion rate"),
    "digital_take_up": gettext_lazy("Digital take-up"),
    "decision_days_median": gettext_lazy("Time to decision (median, working days)"),
    "decision_days_p90": gettext_lazy("Time to decision (90th percentile, working days)"),
    "within_deadline": gettext_lazy("Decisions within the deadline"),
    "once_only_rate": gettext_lazy("Evidence fetched once-only"),
}


def totals_sum(parts: Iterable[FactTotals]) -> FactTotals:
    """The sums of several periods' (or scopes') facts as one: what summing their fact
    rows together would give."""
    counters: dict[str, int] = {}
    amount = Decimal(0)
    channels: dict[tuple[int, str], tuple[int, int]] = {}
    days: dict[int, int] = {}
    for part in parts:
        for name, n in part.counters.items():
            counters[name] = counters.get(name, 0) + int(n or 0)
        amount += part.payments_amount
        for row in part.by_service_channel:
            key = (row.service_id, row.channel)
            n, fetched = channels.get(key, (0, 0))
            channels[key] = (n + row.transactions, fetched + row.evidence_fetched)
        for day, n in part.decision_days.items():
            days[day] = days.get(day, 0) + n
    return FactTotals(
        counters=counters,
        payments_amount=amount,
        by_service_channel=tuple(
            ServiceChannel(service_id, channel, n, fetched)
            for (service_id, channel), (n, fetched) in sorted(channels.items())
        ),
        decision_days=dict(sorted(days.items())),
    )
