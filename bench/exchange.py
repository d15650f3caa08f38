"""The information mediator: mediated calls against direct calls to the same provider.

Starts a throw-away Ventanilla with Demoland (SQLite by default; PostgreSQL with
--database-url, in a fresh database it makes); the benefits system of Social Security may
fetch population/person for people who consented. Measures, in the same run:

- in one process: the provider called directly, and `exchange_call` (access right, legal
  basis, schema check, call log and ledger entry): calls/s and latency, the added latency
  and the throughput ratio;
- over HTTP against `ventanilla serve`: the X-Road endpoint `/r1/...` with requests
  signed per request (RFC 9421, Ed25519, each with its own X-Road-Id; signed before the
  run: signing is the calling system's work, on its own machine, and the load generator
  here shares the server's two cores), against a bench-only view that calls the provider
  directly, on concurrent keep-alive connections;
- two nodes: node A (a copy of the government: its own database and files) has the
  population registry on node B (the server above). Threads of node A call
  `exchange_call`, which checks, signs, asks B's `/r1/...` (B verifies, checks and logs
  in turn), checks B's answer and logs; against the same threads fetching B's bench-only
  view with the same HTTP client (urllib3, connections kept, as the adapter keeps them).
  The two nodes share one signing key, as if both were one government's: B treats the
  benefits system as its own and checks the consent itself.

In each set-up the direct and the mediated calls take turns, eight slices each, so that a
drift in the machine's speed during the run (a shared machine's moves by a third) falls on
both alike.

Targets: added latency at p50 at most 5 ms; mediated throughput at least 40% of the
direct call's, in each set-up; over HTTP (one node, and two) at least 100 calls/s with p99
under 1 s and 0 errors. The exit status is 0 only if every target is met.

    .venv/bin/python bench/exchange.py [--seconds 8] [--concurrency 16] [--workers 2]
        [--node-threads 4] [--presign 2000]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import VENTANILLA, bench_env, drive_alternating, serving
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

TARGET_ADDED_P50_MS = 5.0
TARGET_RATIO = 0.4
TARGET_HTTP = 100.0
PEOPLE = 200

SETUP = """
import json, sys, django
django.setup()
from ventanilla.exchange.models import Member
from ventanilla.exchange.services import consent_grant
from ventanilla.registries.models import Person
member = Member.objects.get(member_code="social-security")
ids = list(Person.objects.order_by("pk").values_list("national_id", flat=True)[: int(sys.argv[1])])
for national_id in ids:
    consent_grant(national_id=national_id, recipient=member, purpose="benefit-assessment")
print(json.dumps(ids))
"""

IN_PROCESS = """
import json, statistics, sys, time, django
django.setup()
from ventanilla.exchange import providers
from ventanilla.exchange.models import Subsystem
from ventanilla.exchange.services import exchange_call
ids, seconds = json.loads(sys.argv[1]), float(sys.argv[2])
client = Subsystem.objects.get(member__member_code="social-security", code="benefits")

def run(steps, rounds=8):
    # Each step for `seconds` in all, taking turns in `rounds` slices (the machine's
    # drift falls on both alike).
    times = {name: [] for name in steps}
    spent = dict.fromkeys(steps, 0.0)
    for _ in range(rounds):
        for name, step in steps.items():
            started = time.perf_counter()
            while time.perf_counter() - started < seconds / rounds:
                t = time.perf_counter()
                step(ids[len(times[name]) % len(ids)])
                times[name].append(time.perf_counter() - t)
            spent[name] += time.perf_counter() - started
    result = {}
    for name, taken in times.items():
        q = statistics.quantiles(taken, n=100)
        result[name] = {"calls_per_second": round(len(taken) / spent[name], 1),
                        "p50_ms": round(q[49] * 1000, 3), "p95_ms": round(q[94] * 1000, 3),
                        "p99_ms": round(q[98] * 1000, 3)}
    return result

def mediated(nid):
    exchange_call(client=client, service_code="population/person", national_id=nid,
                  purpose="benefit-assessment")

for nid in ids:  # warm both: each person's first look-up
    providers.LOCAL["population/person"](nid)
    mediated(nid)
print(json.dumps(run({"direct": providers.LOCAL["population/person"], "mediated": mediated})))
"""

TWO_NODES = """
import json, sys, threading, time, urllib3, django
django.setup()
from django.db import connection
from ventanilla.exchange.models import DataService, Subsystem
from ventanilla.exchange.services import exchange_call
ids, seconds = json.loads(sys.argv[1]), float(sys.argv[2])
node_b, threads = sys.argv[3], int(sys.argv[4])
DataService.objects.filter(code="population/person").update(remote_url=node_b)
client = Subsystem.objects.get(member__member_code="social-security", code="benefits")

pool = urllib3.PoolManager(maxsize=threads)  # as the adapter's (exchange/adapters.py)

def direct(nid):
    url = f"{node_b}/bench/direct/population/person/{nid}"
    response = pool.request("GET", url, timeout=10, retries=False, redirect=False)
    assert response.status == 200, response.status
    return json.loads(response.data)

def mediated(nid):
    return exchange_call(client=client, service_code="population/person", national_id=nid,
                         purpose="benefit-assessment").data

def run(step, slice_seconds, times, errors):
    deadline = time.perf_counter() + slice_seconds
    def work(first):
        n = first
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                assert step(ids[n % len(ids)])["national_id"] == ids[n % len(ids)]
            except Exception as error:
                errors.append(repr(error))
            times.append(time.perf_counter() - t)
            n += threads
        connection.close()
    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for worker in workers: worker.start()
    for worker in workers: worker.join()
    return time.perf_counter() - started

def alternating(steps, rounds=8):
    # Each step for `seconds` in all, taking turns in `rounds` slices.
    taken = {name: ([], [], 0.0) for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            times, errors, spent = taken[name]
            taken[name] = (times, errors, spent + run(step, seconds / rounds, times, errors))
    result = {}
    for name, (times, errors, spent) in taken.items():
        times.sort()
        q = lambda p: round(times[min(len(times) - 1, int(len(times) * p))] * 1000, 2)
        result[name] = {"calls_per_second": round(len(times) / spent, 1),
                        "p50_ms": q(0.50), "p95_ms": q(0.95), "p99_ms": q(0.99),
                        "errors": len(errors), "first_error": errors[0] if errors else None}
    return result

alternating({"direct": direct, "mediated": mediated}, rounds=1)  # warm both
print(json.dumps(alternating({"direct": direct, "mediated": mediated})))
"""

PATH = "/r1/DEMO/GOV/civil-registry/population/person/{subject}?purpose=benefit-assessment"
CLIENT = "DEMO/GOV/social-security/benefits"


def _signed(port: int, ids: list[str], key: Ed25519PrivateKey, *, ahead: int):  # type: ignore[no-untyped-def]
    """A request factory: each request its own X-Road-Id, signed as RFC 9421 says. The
    first ``ahead`` requests are signed before the run, so that the load generator, on
    the same cores as the server, spends no more time on a mediated request than on a
    direct one; any beyond them are signed as they go."""

    def sign(number: int) -> bytes:
        path = PATH.format(subject=ids[(number * 7919) % len(ids)])
        x_road_id = uuid.uuid4().hex
        params = (
            '("@method" "@target-uri" "x-road-client" "x-road-id")'
            f';created={int(time.time())};keyid="DEMO/GOV/social-security";alg="ed25519"'
        )
        base = (
            f'"@method": GET\n"@target-uri": http://127.0.0.1:{port}{path}\n'
            f'"x-road-client": {CLIENT}\n"x-road-id": {x_road_id}\n'
            f'"@signature-params": {params}'
        )
        signature = base64.b64encode(key.sign(base.encode())).decode()
        return (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"X-Road-Client: {CLIENT}\r\nX-Road-Id: {x_road_id}\r\n"
            f"Signature-Input: sig1={params}\r\nSignature: sig1=:{signature}:\r\n\r\n"
        ).encode()

    ready = [sign(number) for number in range(ahead)]
    ready.reverse()
    taken = itertools.count(ahead)

    def make(_connection: int, _number: int) -> bytes:
        return ready.pop() if ready else sign(next(taken))

    return make


def _direct(ids: list[str]):  # type: ignore[no-untyped-def]
    def make(connection: int, number: int) -> bytes:
        subject = ids[(connection * 7919 + number) % len(ids)]
        return (
            f"GET /bench/direct/population/person/{subject} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        ).encode()

    return make


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:3])}… failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _fresh_database(url: str, name: str = "ventanilla_bench_exchange", template: str = "") -> str:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return urlunsplit(parts._replace(path=f"/{name}"))


def _node_a(env: dict[str, str], database_url: str) -> dict[str, str]:
    """A second node: a copy of the first one's database and files (keys included)."""
    node_a = dict(env)
    node_a["VENTANILLA_DATA_DIR"] = tempfile.mkdtemp(prefix="ventanilla-bench-node-a-")
    shutil.copytree(env["VENTANILLA_DATA_DIR"], node_a["VENTANILLA_DATA_DIR"], dirs_exist_ok=True)
    if database_url:
        node_a["DATABASE_URL"] = _fresh_database(
            database_url, "ventanilla_bench_exchange_a", template="ventanilla_bench_exchange"
        )
    return node_a


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--node-threads", type=int, default=4)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--presign", type=int, default=2000, help="requests signed ahead per second of the run"
    )
    args = parser.parse_args()

    database_url = _fresh_database(args.database_url) if args.database_url else ""
    env = bench_env(database_url)
    env["DJANGO_SETTINGS_MODULE"] = "ventanilla.config.settings"
    _run([*VENTANILLA, "demo", "--residents", "500"], env)
    ids = json.loads(_run([sys.executable, "-c", SETUP, str(PEOPLE)], env).strip().splitlines()[-1])
    in_process = json.loads(
        _run([sys.executable, "-c", IN_PROCESS, json.dumps(ids), str(args.seconds / 2)], env)
        .strip()
        .splitlines()[-1]
    )
    node_a = _node_a(env, database_url)
    seed = (Path(env["VENTANILLA_DATA_DIR"]) / "exchange_signing_key").read_text().strip()
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))
    with serving(env, args.workers) as port:
        drive_alternating(
            port,
            {"direct": _direct(ids), "mediated": _signed(port, ids, key, ahead=0)},
            seconds=2.0,
            concurrency=args.concurrency,
            rounds=1,
        )
        makes = {
            "direct": _direct(ids),
            "mediated": _signed(port, ids, key, ahead=int(args.presign * args.seconds)),
        }
        http = drive_alternating(port, makes, seconds=args.seconds, concurrency=args.concurrency)
        direct_http, mediated_http = http["direct"], http["mediated"]
        two_nodes = json.loads(
            _run(
                [
                    sys.executable,
                    "-c",
                    TWO_NODES,
                    json.dumps(ids),
                    str(args.seconds / 2),
                    f"http://127.0.0.1:{port}",
                    str(args.node_threads),
                ],
                node_a,
            )
            .strip()
            .splitlines()[-1]
        )

    direct, mediated = in_process["direct"], in_process["mediated"]
    added_p50 = round(mediated["p50_ms"] - direct["p50_ms"], 3)
    ratio = round(mediated["calls_per_second"] / direct["calls_per_second"], 4)
    http_ratio = round(
        mediated_http["requests_per_second"] / max(direct_http["requests_per_second"], 1), 3
    )
    nodes_direct, nodes_mediated = two_nodes["direct"], two_nodes["mediated"]
    nodes_ratio = round(
        nodes_mediated["calls_per_second"] / max(nodes_direct["calls_per_second"], 1), 3
    )
    met = {
        "added_p50": added_p50 <= TARGET_ADDED_P50_MS,
        "ratio": ratio >= TARGET_RATIO,
        "http_ratio": http_ratio >= TARGET_RATIO,
        "http_rate": mediated_http["requests_per_second"] >= TARGET_HTTP,
        "http_p99": mediated_http["p99_ms"] < 1000,
        "http_errors": mediated_http["errors"] == 0,
        "two_nodes_ratio": nodes_ratio >= TARGET_RATIO,
        "two_nodes_rate": nodes_mediated["calls_per_second"] >= TARGET_HTTP,
        "two_nodes_p99": nodes_mediated["p99_ms"] < 1000,
        "two_nodes_errors": nodes_mediated["errors"] == 0 and nodes_direct["errors"] == 0,
    }
    result = {
        "database": "postgresql" if database_url else "sqlite",
        "in_process": {**in_process, "added_p50_ms": added_p50, "throughput_ratio": ratio},
        "http": {"direct": direct_http, "mediated": mediated_http, "ratio": http_ratio},
        "two_nodes": {**two_nodes, "ratio": nodes_ratio, "threads": args.node_threads},
        "targets_met": met,
    }
    print(json.dumps(result, indent=2))
    missed = [name for name, ok in met.items() if not ok]
    print(
        f"exchange ({result['database']}): in-process direct {direct['calls_per_second']}/s, "
        f"mediated {mediated['calls_per_second']}/s ({ratio:.1%}), added p50 {added_p50} ms; "
        f"HTTP direct {direct_http['requests_per_second']}/s, mediated "
        f"{mediated_http['requests_per_second']}/s (p99 {mediated_http['p99_ms']} ms, "
        f"{mediated_http['errors']} errors; "
        f"{mediated_http['requests_per_second'] / TARGET_HTTP:.1f}x the 100/s floor, "
        f"ratio {http_ratio:.1%}); two nodes direct {nodes_direct['calls_per_second']}/s, "
        f"mediated {nodes_mediated['calls_per_second']}/s ({nodes_ratio:.1%}, p99 "
        f"{nodes_mediated['p99_ms']} ms, {nodes_mediated['errors']} errors) - "
        + ("targets met" if not missed else "NOT MET: " + ", ".join(missed))
    )
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
