"""Performance pages and API with 10,000 and with 1,000,000 transactions of history.

For each size, a throw-away Ventanilla on SQLite gets Demoland (20 residents) and then a
year of daily facts standing for that many transactions, bulk-generated as the fold would
have written them (spread over every service, its channels and the last 365 days; the
fold itself, which reads the day's records once, is not what is measured here). The
government-wide and one service's page and API answers are then timed on the production
server. Prints JSON, then a one-line summary. Target: at 1,000,000 transactions each
answer is no slower than 1.5 times its time at 10,000 (the pages sum facts, they never
scan applications).

    .venv/bin/python bench/insights.py [--seconds 5] [--concurrency 2] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from common import VENTANILLA, bench_env, drive, get, serving

TARGET_RATIO = 1.5
SIZES = (10_000, 1_000_000)
SERVICE = "birth-certificate"
ENDPOINTS = {
    "government_page": "/en/performance/",
    "service_page": f"/en/performance/{SERVICE}/",
    "government_api": "/api/v1/performance",
    "service_api": f"/api/v1/performance/{SERVICE}",
}


def fill(transactions: int) -> int:
    """Write facts standing for ``transactions`` over the last 365 days (run inside a
    configured Ventanilla: ``bench/insights.py --fill N``). Returns the fact rows made."""
    import datetime as dt

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.config.settings")
    django.setup()
    from django.utils import timezone

    from ventanilla.catalogue.models import PublicService
    from ventanilla.insights.models import DecisionTime, Fact
    from ventanilla.insights.services import facts_rollup_month

    chance = random.Random(transactions)
    services = list(PublicService.objects.values_list("pk", "competent_agency_id", "channels"))
    today = timezone.localdate()
    keys: Counter[tuple[int, int, int, str]] = Counter()
    for _ in range(transactions):
        service_id, agency_id, channels = chance.choice(services)
        keys[(chance.randrange(365), service_id, agency_id, chance.choice(channels))] += 1
    facts, times = [], []
    for (back, service_id, agency_id, channel), n in keys.items():
        day = today - dt.timedelta(days=back)
        decided = n * 4 // 5
        facts.append(
            Fact(
                day=day,
                service_id=service_id,
                agency_id=agency_id,
                channel=channel,
                started=n + n // 10,
                submitted=n,
                abandoned=n // 10,
                approved=decided - decided // 8,
                rejected=decided // 8,
                within_deadline=decided - decided // 10,
                missed_deadline=decided // 10,
                evidence_fetched=n,
                evidence_asked=n // 3,
                satisfied=n // 4,
                very_satisfied=n // 5,
            )
        )
        if decided:
            times.append(
                DecisionTime(
                    day=day,
                    service_id=service_id,
                    agency_id=agency_id,
                    channel=channel,
                    working_days=chance.randrange(1, 30),
                    decisions=decided,
                )
            )
    Fact.objects.bulk_create(facts, batch_size=5000, ignore_conflicts=True)
    DecisionTime.objects.bulk_create(times, batch_size=5000, ignore_conflicts=True)
    for month in sorted({fact.day.replace(day=1) for fact in facts}):
        facts_rollup_month(month=month)
    return len(facts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per answer and size")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        print(fill(args.fill))
        return 0

    results: dict[str, dict[str, object]] = {}
    for size in SIZES:
        env = bench_env()
        subprocess.run([*VENTANILLA, "demo", "--residents", "20"], env=env, check=True)
        made = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--fill", str(size)],
            env={**env, "PYTHONPATH": os.pathsep.join(sys.path)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        with serving(env, args.workers) as port:
            for path in ENDPOINTS.values():  # warm up
                drive(port, get(path), seconds=1.0, concurrency=args.concurrency)
            results[str(size)] = {
                "fact_rows": int(made),
                **{
                    name: drive(port, get(path), seconds=args.seconds, concurrency=args.concurrency)
                    for name, path in ENDPOINTS.items()
                },
            }
    failed = {
        f"{size}/{name}": r["first_error"]
        for size, answers in results.items()
        for name, r in answers.items()
        if isinstance(r, dict) and r["errors"]
    }
    if failed:
        raise SystemExit(f"non-200 answers: {failed}")
    small, large = (results[str(size)] for size in SIZES)
    ratios = {
        name: round(float(large[name]["p50_ms"]) / float(small[name]["p50_ms"]), 2)  # type: ignore[index]
        for name in ENDPOINTS
    }
    report = {"sizes": results, "p50_ratio_1m_to_10k": ratios, "target_ratio": TARGET_RATIO}
    print(json.dumps(report, indent=2))
    worst = max(ratios.values())
    verdict = "met" if worst <= TARGET_RATIO else "MISSED"
    print(
        f"insights: p50 at 1,000,000 vs 10,000 transactions, worst ratio {worst} "
        f"(target <= {TARGET_RATIO}): {verdict}; "
        + ", ".join(f"{name} {ratio}" for name, ratio in ratios.items())
    )
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
