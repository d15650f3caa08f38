"""Submissions per second through the HTTP API, and through the service layer alone.

Starts a throw-away Ventanilla with Demoland (SQLite by default; PostgreSQL with
--database-url, in a fresh database it makes), gives each client a resident with an API
key, and drives POST /api/v1/applications (child benefit, all answers, sent at once, each
with its own Idempotency-Key) on concurrent keep-alive connections against `ventanilla
serve`. In the same run: a bare one-query view on the same server (the baseline), and the
service layer alone in one process (`application_file`). Prints JSON and a summary line.
Target: at least 200 submissions/s over HTTP with 0 errors.

    .venv/bin/python bench/submissions.py [--seconds 10] [--concurrency 16] [--workers 2]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

from common import VENTANILLA, bench_env, drive, get, serving

TARGET = 200.0
ANSWERS = {
    "child_given_name": "Lola",
    "child_birth_date": "2026-03-27",
    "relationship": "parent",
    "bank_account": "DL12 3456 7890 1234 5678",
    "address": "Calle Mayor 1",
}

# Run inside the bench's Ventanilla: residents aged 16+ get an account and an API key.
SETUP = """
import json, django, sys
django.setup()
from django.utils import timezone
from ventanilla.identity.models import User
from ventanilla.identity.services import api_token_create, resident_link_person
from ventanilla.registries.models import Person
limit = timezone.localdate().replace(year=timezone.localdate().year - 17)
keys = []
taken = User.objects.exclude(national_id=None).values_list("national_id", flat=True)
people = Person.objects.filter(birth_date__lte=limit).exclude(national_id__in=taken)
for person in people.order_by("id")[: int(sys.argv[1])]:
    user = User.objects.create_user(f"bench-{person.pk}@bench.example", None)
    resident_link_person(user=user, person=person)
    keys.append(api_token_create(user=user, name="bench")[1])
print(json.dumps(keys))
"""

# Run inside the bench's Ventanilla: the service layer alone, no HTTP.
SERVICE_LAYER = """
import json, time, uuid, django, statistics, sys
django.setup()
from ventanilla.applications.services import application_file
from ventanilla.catalogue.models import PublicService
from ventanilla.identity.models import User
answers, count = json.loads(sys.argv[1]), int(sys.argv[2])
service = PublicService.objects.get(slug="child-benefit")
users = list(User.objects.filter(email__startswith="bench-")[:50])
times = []
started = time.perf_counter()
for n in range(count):
    t = time.perf_counter()
    application_file(applicant=users[n % len(users)], service=service, answers=answers,
                     idempotency_key=uuid.uuid4().hex)
    times.append(time.perf_counter() - t)
elapsed = time.perf_counter() - started
q = statistics.quantiles(times, n=100)
print(json.dumps({"submissions": count, "submissions_per_second": round(count / elapsed, 1),
                  "p50_ms": round(q[49] * 1000, 2), "p95_ms": round(q[94] * 1000, 2),
                  "p99_ms": round(q[98] * 1000, 2)}))
"""


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:3])}… failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _fresh_database(url: str) -> str:
    """A new, empty database ``ventanilla_bench`` on the server ``url`` points at."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS ventanilla_bench WITH (FORCE)")
        db.execute("CREATE DATABASE ventanilla_bench")
    return urlunsplit(parts._replace(path="/ventanilla_bench"))


def _submission(keys: list[str]):  # type: ignore[no-untyped-def]
    body = json.dumps({"service": "child-benefit", "answers": ANSWERS, "submit": True}).encode()

    def make(connection: int, _number: int) -> bytes:
        head = (
            "POST /api/v1/applications HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {keys[connection % len(keys)]}\r\n"
            f"Idempotency-Key: {uuid.uuid4().hex}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    return make


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--service-layer", type=int, default=1000, help="submissions in-process")
    parser.add_argument("--database-url", default="", help="PostgreSQL server; default SQLite")
    args = parser.parse_args()

    database_url = _fresh_database(args.database_url) if args.database_url else ""
    env = bench_env(database_url)
    env["DJANGO_SETTINGS_MODULE"] = "ventanilla.config.settings"
    _run([*VENTANILLA, "demo", "--residents", "2000"], env)
    keys = json.loads(_run([sys.executable, "-c", SETUP, str(args.concurrency)], env))
    with serving(env, args.workers) as port:
        drive(port, get("/bench/bare"), seconds=1.0, concurrency=args.concurrency)
        drive(port, _submission(keys), seconds=1.0, concurrency=args.concurrency, ok=(b"201",))
        bare = drive(port, get("/bench/bare"), seconds=args.seconds, concurrency=args.concurrency)
        http = drive(
            port,
            _submission(keys),
            seconds=args.seconds,
            concurrency=args.concurrency,
            ok=(b"201",),
        )
    service_layer = json.loads(
        _run(
            [sys.executable, "-c", SERVICE_LAYER, json.dumps(ANSWERS), str(args.service_layer)],
            env,
        )
    )
    rate = float(http["requests_per_second"])
    report = {
        "benchmark": "submissions",
        "database": "PostgreSQL" if database_url else "SQLite (WAL)",
        "server": f"granian wsgi, {args.workers} workers",
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "bare_view": bare,
        "http_api": http,
        "service_layer": service_layer,
        "ratio_to_bare": round(rate / float(bare["requests_per_second"]), 3),
        "target_submissions_per_second": TARGET,
        "target_met": rate >= TARGET and http["errors"] == 0,
    }
    print(json.dumps(report, indent=2))
    print(
        f"submissions ({report['database']}): HTTP {rate} /s "
        f"(p50 {http['p50_ms']} ms, p95 {http['p95_ms']} ms, p99 {http['p99_ms']} ms, "
        f"{http['errors']} errors); service layer {service_layer['submissions_per_second']} /s; "
        f"bare view {bare['requests_per_second']} req/s; target {TARGET:.0f}/s with 0 errors "
        + ("met" if report["target_met"] else "NOT met")
    )
    return 0 if report["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
