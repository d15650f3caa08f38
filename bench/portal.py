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
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _connection(
    port: int, page: tuple[str, str], deadline: float, latencies: list[float], errors: list[str]
) -> None:
    path, cookie = page
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cookie_header = f"Cookie: {cookie}\r\n" if cookie else ""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n{cookie_header}\r\n"
    ).encode()
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            if status != b"200":
                errors.append(status.decode())
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _drive(
    port: int, page: tuple[str, str], seconds: float, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_connection(port, page, deadline, latencies, errors) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{page[0]}: {len(errors)} non-200 answers, e.g. {errors[0]}")
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(quantiles[49] * 1000, 2),
        "p95_ms": round(quantiles[94] * 1000, 2),
    }


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per page")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="ventanilla-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"VENTANILLA_DATA_DIR": str(data_dir), "VENTANILLA_BENCH_VIEWS": "true"})
    command = [sys.executable, "-m", "ventanilla"]
    subprocess.run([*command, "demo"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", str(args.workers)], env=env
    )
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", server)
        for page in PAGES.values():  # warm every worker's caches before measuring
            asyncio.run(_drive(port, page, 1.0, args.concurrency))
        results = {
            name: asyncio.run(_drive(port, page, args.seconds, args.concurrency))
            for name, page in PAGES.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=30)

    bare = results["bare"]["requests_per_second"]
    ratios = {
        name: round(result["requests_per_second"] / bare, 3)
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
