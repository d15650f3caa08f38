"""Each service's maturity stage, from its definition and its real use. Pure.

- information only: the site describes it; it is used elsewhere;
- downloadable form: it can be used by post, so its paper form is there to print;
- online form: its definition has a transaction section, so it can be applied for here,
  but no application was decided in the period;
- transactional: applications were sent and decided here in the period;
- connected: and evidence for them was fetched from another agency's registry through
  the exchange (once-only) in the period;
- proactive: its definition offers it before anyone asks (a ``proactive`` section, which
  service definitions do not have yet).
"""

from __future__ import annotations

from typing import Any

from ventanilla.catalogue.enums import Channel
from ventanilla.insights.enums import MaturityStage
from ventanilla.insights.kpis import FactTotals


def maturity_stage(
    *, definition: dict[str, Any], totals: FactTotals | None = None
) -> MaturityStage:
    totals = totals or FactTotals(counters={})
    if "transaction" not in definition:
        if Channel.POST.value in definition.get("channels", []):
            return MaturityStage.DOWNLOADABLE_FORM
        return MaturityStage.INFORMATION
    if definition.get("proactive"):
        return MaturityStage.PROACTIVE
    if not totals.count("approved") + totals.count("rejected"):
        return MaturityStage.ONLINE_FORM
    if totals.count("evidence_fetched"):
        return MaturityStage.CONNECTED
    return MaturityStage.TRANSACTIONAL
