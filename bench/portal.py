"""Portal throughput against a bare one-query view, on the production server.

Starts `ventanilla serve` (Granian) on SQLite with the Demoland data in a temporary data
dir, drives the life-event and service pages with concurrent keep-alive requests and, in
the same run on the same server, a bare Django view doing one query. Prints JSON, then a
one-line summary. Target: each page reaches at least 50% of the bare view's throughput.

Visitors without a session get the page from the page cache (what most readers get); the
"_rendered" rows send a session cookie, so the page is rendered for them each time, and
are reported for information, without a target.

    .venv/bin/python bench/portal.py [--seconds 10] [--concurrency 16] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from common import VENTANILLA, bench_env, drive, get, serving

TARGET_RATIO = 0.5
# name: (path, cookie header or ""); a session cookie that matches no session still makes
# the portal render the page as it would for a signed-in visitor.
SESSION = "sessionid=bench-no-such-session"
PAGES = {
    "bare": ("/bench/bare", ""),
    "life_event": ("/en/events/having-a-baby/", ""),
    "service": ("/en/services/birth-certificate/", ""),
    "life_event_rendered": ("/en/events/having-a-baby/", SESSION),
    "service_rendered": ("/en/services/birth-certificate/", SESSION),
}
TARGETED = ("life_event", "service")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per page")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    env = bench_env()
    subprocess.run([*VENTANILLA, "demo"], env=env, check=True, capture_output=True)
    with serving(env, args.workers) as port:
        for path, cookie in PAGES.values():  # warm every worker's caches before measuring
            drive(port, get(path, cookie), seconds=1.0, concurrency=args.concurrency)
        results = {
            name: drive(port, get(path, cookie), seconds=args.seconds, concurrency=args.concurrency)
            for name, (path, cookie) in PAGES.items()
        }
    failed = {name: r["first_error"] for name, r in results.items() if r["errors"]}
    if failed:
        raise SystemExit(f"non-200 answers: {failed}")

    bare = results["bare"]["requests_per_second"]
    ratios = {
        name: round(float(result["requests_per_second"]) / float(bare), 3)
        for name, result in results.items()
        if name != "bare"
    }
    report = {
        "benchmark": "portal",
        "server": f"granian wsgi, {args.workers} workers, SQLite (WAL), Demoland",
        "seconds_per_page": args.seconds,
        "concurrency": args.concurrency,
        "results": results,
        "ratio_to_bare": ratios,
        "target_ratio": TARGET_RATIO,
        "target_applies_to": list(TARGETED),
        "target_met": all(ratios[name] >= TARGET_RATIO for name in TARGETED),
    }
    print(json.dumps(report, indent=2))
    print(
        "portal: "
        + ", ".join(
            f"{name} {results[name]['requests_per_second']} req/s "
            f"(p50 {results[name]['p50_ms']} ms, p95 {results[name]['p95_ms']} ms)"
            for name in PAGES
        )
        + f"; ratio to bare {ratios}; target {TARGET_RATIO:.0%} "
        + ("met" if report["target_met"] else "NOT met")
    )
    return 0 if report["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
