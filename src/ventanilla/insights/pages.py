"""What the performance pages (public and back office) draw month by month. Pure: from
KPI reports already computed, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ventanilla.insights.charts import BarChart, bar_chart
from ventanilla.insights.kpis import KPI_LABELS, KpiReport

# Each KPI's chart over months, in the order of KPI_LABELS.
CHART_TITLES: dict[str, Promise] = {
    "cost_per_transaction": gettext_lazy("Cost per transaction per month"),
    "satisfaction": gettext_lazy("User satisfaction per month (%)"),
    "completion_rate": gettext_lazy("Completion rate per month (%)"),
    "digital_take_up": gettext_lazy("Digital take-up per month (%)"),
    "decision_days_median": gettext_lazy("Time to decision per month (median, working days)"),
    "decision_days_p90": gettext_lazy("Time to decision per month (90th percentile, working days)"),
    "within_deadline": gettext_lazy("Decisions within the deadline per month (%)"),
    "once_only_rate": gettext_lazy("Evidence fetched once-only per month (%)"),
}
CHART_IDS = {key: key.replace("_", "-") for key in CHART_TITLES}


@dataclass(frozen=True)
class MonthChart:
    """One chart and what its table's value column is called."""

    id: str
    chart: BarChart
    column: str
    target: Decimal | None = None


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def month_charts(
    months: Sequence[tuple[dt.date, KpiReport]],
    *,
    keys: Sequence[str] = tuple(CHART_TITLES),
    public: bool = True,
    currency: str = "",
) -> list[MonthChart]:
    """Transactions per month, then a chart of each KPI in ``keys``.

    ``public``: a month with too few transactions to publish has no bar and no number.
    Otherwise (the back office) every number is shown, such a month's marked as below the
    publishing threshold. A KPI not available in a month says so instead of a number."""
    labels = [month_label(month) for month, _report in months]
    below = _("below the publishing threshold")
    not_available = _("Not available")

    def shown(report: KpiReport) -> bool:
        return report.publishable or not public

    def note(report: KpiReport, value: Decimal | None) -> str:
        if public and not report.publishable:
            return ""  # the table says too few to publish
        if value is None:
            return not_available
        return "" if report.publishable else below

    volumes = [Decimal(r.transactions) if shown(r) else None for _m, r in months]
    charts = [
        MonthChart(
            id="transactions",
            chart=bar_chart(
                title=_("Transactions per month"),
                points=list(zip(labels, volumes, strict=True)),
                notes=[note(r, v) for (_m, r), v in zip(months, volumes, strict=True)],
            ),
            column=_("Transactions"),
        )
    ]
    for key in keys:
        values = [r.kpis[key].value if shown(r) else None for _m, r in months]
        unit = months[0][1].kpis[key].unit if months else "percent"
        target = months[0][1].kpis[key].target if months else None
        column = str(KPI_LABELS[key])
        if unit == "percent":
            column = f"{column} (%)"
        elif unit == "money" and currency:
            column = f"{column} ({currency})"
        charts.append(
            MonthChart(
                id=CHART_IDS[key],
                chart=bar_chart(
                    title=str(CHART_TITLES[key]),
                    points=list(zip(labels, values, strict=True)),
                    maximum=Decimal(100) if unit == "percent" else None,
                    target=target,
                    notes=[note(r, v) for (_m, r), v in zip(months, values, strict=True)],
                ),
                column=column,
                target=target,
            )
        )
    return charts
