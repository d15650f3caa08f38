"""The ``ventanilla`` command: up, serve, worker, demo, services, opendata, ledger, insights,
manage."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

SETTINGS = "ventanilla.config.settings"
WSGI_APP = "ventanilla.config.wsgi:application"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
LEDGER_POLL_SECONDS = 0.5


def _configure(data_dir: str | None) -> None:
    if data_dir:
        os.environ["VENTANILLA_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)


def _setup_django() -> None:
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        sys.exit(f"ventanilla: cannot start: {exc}")


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _default_threads() -> int:
    """Threads per web worker: one on SQLite, where a single writer at a time makes more
    threads only wait on each other (measured with bench/submissions.py: the same or more
    submissions/s, and p99 from about 1 s to 0.2 s); four on PostgreSQL."""
    from django.db import connection

    return 1 if connection.vendor == "sqlite" else 4


def _server_command(host: str, port: int, workers: int, threads: int | None = None) -> list[str]:
    threads = threads or _default_threads()
    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--no-ws",
        "--log-level", "warning",
        WSGI_APP,
    ]  # fmt: skip


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "ventanilla", "worker"]


def _prepare_database(*, residents: int) -> None:
    """Migrate, create the cache table and load Demoland into an empty database."""
    from django.core.management import call_command

    from ventanilla.identity.models import Agency

    print("Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Agency.objects.exists():
        print("Loading the demo government Demoland (first start only)…", flush=True)
        call_command("demo", residents=residents)


def _wait_until_ready(url: str, processes: Sequence[subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _print_sign_ins() -> None:
    from ventanilla.demo.services import DEMO_TOTP_SECRET, demo_sign_ins

    sign_ins = demo_sign_ins()
    if not sign_ins:
        return
    print("\nDemo sign-ins (embedded demo only):")
    for sign_in in sign_ins:
        extra = "  + authenticator code" if sign_in.totp else ""
        print(f"  {sign_in.who:<32} {sign_in.email:<46} {sign_in.password}{extra}")
    print(
        "\nOfficials must use an authenticator app. Add the demo key "
        f"{DEMO_TOTP_SECRET} to one, or get the current code with:\n"
        "  ventanilla manage demo_totp_code"
    )
    print("Emails (sign-up codes) are printed in this terminal.")


def cmd_up(args: argparse.Namespace) -> int:
    _configure(args.data_dir)
    _setup_django()
    _prepare_database(residents=args.residents)
    url = f"http://{args.host}:{args.port}/"
    env = {**os.environ}
    processes: list[subprocess.Popen[bytes]] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Both, explicitly: a shell starting us in the background sets SIGINT to "ignore".
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        server = _server_command(args.host, args.port, args.workers, args.threads)
        processes.append(subprocess.Popen(server, env=env))  # noqa: S603
        processes.append(subprocess.Popen(_worker_command(), env=env))  # noqa: S603
        if not _wait_until_ready(f"{url}healthz", processes):
            print("ventanilla: the web server did not start; see the messages above.")
            _stop(processes)
            return 1
        print(f"\nVentanilla is running at {url}  (press Ctrl-C to stop)")
        _print_sign_ins()
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("ventanilla: a process stopped unexpectedly; stopping the rest.")
        _stop(processes)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        _stop(processes)
        print("Stopped.")
        return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _configure(args.data_dir)
    _setup_django()  # fail here, with a clear message, on unsafe production settings
    command = _server_command(args.host, args.port, args.workers, args.threads)
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process with the server


DEADLINES_EVERY_SECONDS = 600


def _deadlines_watch() -> None:
    """Every few minutes, note cases whose deadline passed (and tell their applicants), and
    forget exchange request ids too old to be replayed."""
    import logging

    from django.db import close_old_connections

    from ventanilla.casework.services import case_deadlines_check
    from ventanilla.exchange.services import seen_requests_prune

    log = logging.getLogger("ventanilla.deadlines")
    while True:
        try:
            seen_requests_prune()
            found = case_deadlines_check()
            if found:
                log.info("%d case(s) newly past their deadline", found)
        except Exception:  # keep watching: one failure must not stop the checks
            log.exception("deadline check failed")
        finally:
            close_old_connections()
        time.sleep(DEADLINES_EVERY_SECONDS)


def _ledger_watch() -> None:
    """Sign a checkpoint a few seconds after the first entry no checkpoint covers, or as
    soon as enough entries wait (VENTANILLA_LEDGER_CHECKPOINT_SECONDS / _ENTRIES)."""
    import logging

    from django.conf import settings
    from django.db import close_old_connections

    from ventanilla.ledger.services import ledger_checkpoint, ledger_pending

    log = logging.getLogger("ventanilla.ledger")
    every = settings.VENTANILLA_LEDGER_CHECKPOINT_SECONDS
    enough = settings.VENTANILLA_LEDGER_CHECKPOINT_ENTRIES
    waiting_since: float | None = None
    first = True
    while True:
        try:
            pending = ledger_pending()
            now = time.monotonic()
            if pending and waiting_since is None:
                waiting_since = now
            due = waiting_since is not None and now - waiting_since >= every
            if first or pending >= enough or due:
                checkpoint = ledger_checkpoint()
                if checkpoint is not None:
                    log.info("ledger checkpoint signed at size %d", checkpoint.size)
                waiting_since, first = None, False
        except Exception:  # keep watching: the next round covers what this one did not
            log.exception("ledger checkpoint failed")
        finally:
            close_old_connections()
        time.sleep(LEDGER_POLL_SECONDS)


def _insights_watch() -> None:
    """Every VENTANILLA_INSIGHTS_FOLD_SECONDS, fold yesterday's and today's facts (and any
    day a stopped worker missed)."""
    import logging

    from django.conf import settings
    from django.db import close_old_connections

    from ventanilla.insights.services import facts_fold_recent

    log = logging.getLogger("ventanilla.insights")
    while True:
        try:
            facts_fold_recent()
        except Exception:  # the next round folds the same days again: a fold is idempotent
            log.exception("insights fold failed")
        finally:
            close_old_connections()
        time.sleep(settings.VENTANILLA_INSIGHTS_FOLD_SECONDS)


def _opendata_watch() -> None:
    """Refresh the datasets the platform publishes by itself, soon after starting and
    then every VENTANILLA_OPENDATA_REFRESH_SECONDS."""
    import logging

    from django.conf import settings
    from django.db import close_old_connections

    from ventanilla.opendata.publishing import publications_refresh

    log = logging.getLogger("ventanilla.opendata")
    time.sleep(10)  # let the web server and the first requests go first
    while True:
        try:
            changed = publications_refresh()
            if changed:
                log.info("%d open dataset(s) published anew", changed)
        except Exception:  # the next round tries again; a refresh is idempotent
            log.exception("open data refresh failed")
        finally:
            close_old_connections()
        time.sleep(settings.VENTANILLA_OPENDATA_REFRESH_SECONDS)


def cmd_worker(args: argparse.Namespace) -> int:
    _configure(args.data_dir)
    _setup_django()
    import threading

    from django.core.management import call_command

    threading.Thread(target=_deadlines_watch, name="deadlines", daemon=True).start()
    threading.Thread(target=_ledger_watch, name="ledger", daemon=True).start()
    threading.Thread(target=_insights_watch, name="insights", daemon=True).start()
    threading.Thread(target=_opendata_watch, name="opendata", daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        call_command("db_worker", reload=False, queue_name="*")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _configure(args.data_dir)
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("demo", residents=args.residents)
    return 0


def cmd_services_check(args: argparse.Namespace) -> int:
    """Check service definition files; print every problem with its path. 1 if any."""
    _configure(args.data_dir)
    _setup_django()
    from ventanilla.catalogue.services import service_file_problems

    failed = 0
    for name in args.files:
        problems = service_file_problems(Path(name))
        if problems:
            failed += 1
            print(f"{name}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"{name}: OK")
    return 1 if failed else 0


def cmd_ledger_verify(args: argparse.Namespace) -> int:
    """Recompute the ledger from its entries; 1 and the first bad entry if anything is off."""
    _configure(args.data_dir)
    _setup_django()
    from ventanilla.ledger.verify import ledger_verify

    report = ledger_verify()
    if report.ok:
        print(
            f"Ledger verified: {report.entries} entries and {report.checkpoints} checkpoints, "
            "every hash and signature as recorded."
        )
        return 0
    print(f"Ledger verification FAILED: the first bad entry is {report.first_bad_index}.")
    for _index, problem in report.problems:
        print(f"  {problem}")
    return 1


def cmd_ledger_checkpoint(args: argparse.Namespace) -> int:
    _configure(args.data_dir)
    _setup_django()
    from ventanilla.ledger.services import ledger_checkpoint

    checkpoint = ledger_checkpoint()
    print(checkpoint.note if checkpoint else "No new entries: the latest checkpoint stands.")
    return 0


def cmd_opendata_publish(args: argparse.Namespace) -> int:
    """Publish the automatic datasets now (the worker does it every hour)."""
    _configure(args.data_dir)
    _setup_django()
    from ventanilla.opendata.publishing import PUBLICATIONS, publication_refresh

    for publication in PUBLICATIONS:
        changed = publication_refresh(publication)
        print(f"{publication.origin}: {'published anew' if changed else 'unchanged'}")
    return 0


def cmd_ledger_audit(args: argparse.Namespace) -> int:
    """Audit a ledger from its public endpoints only; 1 if the log broke a promise."""
    from ventanilla.ledger.audit import AuditFailedError, http_fetch, ledger_audit

    state = Path(args.state).expanduser()
    try:
        result = ledger_audit(
            fetch=http_fetch(args.url),
            state_file=state,
            samples=args.samples,
            trusted_key=args.key or "",
        )
    except (AuditFailedError, ValueError) as error:
        print(f"Audit FAILED: {error}")
        return 1
    since = (
        "first audit: checkpoint remembered"
        if result.previous_size is None
        else f"consistent with the {result.previous_size} entries seen last time"
    )
    print(
        f"Audit passed: {result.size} entries, signature valid, {since}; "
        f"{len(result.checked_entries)} random entries proven included. State: {state}"
    )
    return 0


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day: write YYYY-MM-DD") from None


def cmd_insights_fold(args: argparse.Namespace) -> int:
    """Fold (again) the facts of one day, or of every day since one."""
    _configure(args.data_dir)
    _setup_django()
    from ventanilla.core.errors import ValidationError
    from ventanilla.insights.services import facts_fold_day, facts_fold_since

    try:
        reports = [facts_fold_day(day=args.day)] if args.day else facts_fold_since(since=args.since)
    except ValidationError as error:
        print(error.message)
        return 1
    for report in reports:
        print(f"{report.day}: {report.facts} fact rows, {report.decision_times} decision-time rows")
    return 0


def cmd_insights_import(args: argparse.Namespace) -> int:
    """Record offline transaction counts from a CSV file (day, service, channel, count)."""
    _configure(args.data_dir)
    _setup_django()
    from ventanilla.core.errors import ValidationError
    from ventanilla.insights.services import offline_counts_import

    try:
        with Path(args.file).open(encoding="utf-8", newline="") as file:
            recorded = offline_counts_import(file=file)
    except (OSError, ValidationError) as error:
        print(f"{args.file}: {getattr(error, 'message', error)}")
        return 1
    print(f"{args.file}: {recorded} counts recorded, their days folded again.")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _configure(args.data_dir)
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ventanilla manage", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ventanilla", description="Ventanilla, the single window to public services."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def data_dir_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--data-dir",
            help="where the embedded database and secret key live "
            "(default: $VENTANILLA_DATA_DIR or ./.ventanilla)",
        )

    def server_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8000)
        command.add_argument(
            "--workers", type=int, default=_default_workers(), help="web worker processes"
        )
        command.add_argument(
            "--threads",
            type=int,
            default=None,
            help="threads per worker (default: 1 on SQLite, 4 on PostgreSQL)",
        )

    up = sub.add_parser(
        "up", help="migrate, load Demoland if empty, run the web server and the task worker"
    )
    server_options(up)
    data_dir_option(up)
    up.add_argument("--residents", type=int, default=1000, help=argparse.SUPPRESS)
    up.set_defaults(handler=cmd_up)

    serve = sub.add_parser("serve", help="run the production web server only")
    server_options(serve)
    data_dir_option(serve)
    serve.set_defaults(handler=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    data_dir_option(worker)
    worker.set_defaults(handler=cmd_worker)

    demo = sub.add_parser("demo", help="load the demo government Demoland")
    demo.add_argument(
        "--residents", type=int, default=1000, help="synthetic residents (1 to 1,000,000)"
    )
    data_dir_option(demo)
    demo.set_defaults(handler=cmd_demo)

    services = sub.add_parser("services", help="work with service definitions")
    services_sub = services.add_subparsers(dest="services_command", required=True)
    check = services_sub.add_parser(
        "check", help="check service definition files and print every problem with its path"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    data_dir_option(check)
    check.set_defaults(handler=cmd_services_check)

    opendata = sub.add_parser("opendata", help="the open-data catalogue")
    opendata_sub = opendata.add_subparsers(dest="opendata_command", required=True)
    publish = opendata_sub.add_parser(
        "publish", help="publish the automatic datasets now (the worker does it every hour)"
    )
    data_dir_option(publish)
    publish.set_defaults(handler=cmd_opendata_publish)

    ledger = sub.add_parser("ledger", help="check the transparency ledger")
    ledger_sub = ledger.add_subparsers(dest="ledger_command", required=True)
    verify = ledger_sub.add_parser(
        "verify", help="recompute the whole ledger from its entries and check every checkpoint"
    )
    data_dir_option(verify)
    verify.set_defaults(handler=cmd_ledger_verify)
    checkpoint = ledger_sub.add_parser(
        "checkpoint", help="sign a checkpoint now (the worker does it every few seconds)"
    )
    data_dir_option(checkpoint)
    checkpoint.set_defaults(handler=cmd_ledger_checkpoint)
    audit = ledger_sub.add_parser(
        "audit", help="audit a ledger from its public endpoints (no database needed)"
    )
    audit.add_argument("url", help="the site's address, e.g. https://ventanilla.gov.example")
    audit.add_argument(
        "--state",
        default="ventanilla-audit.json",
        help="where the checkpoint seen last time is kept (default: ./ventanilla-audit.json)",
    )
    audit.add_argument(
        "--samples", type=int, default=10, help="random entries to prove included (default 10)"
    )
    audit.add_argument("--key", help="the verifier key you trust (default: the one seen first)")
    audit.set_defaults(handler=cmd_ledger_audit)

    insights = sub.add_parser("insights", help="service performance facts")
    insights_sub = insights.add_subparsers(dest="insights_command", required=True)
    fold = insights_sub.add_parser(
        "fold", help="fold a day's facts again from the records (safe to repeat)"
    )
    which = fold.add_mutually_exclusive_group(required=True)
    which.add_argument("--day", type=_day, help="the day to fold, YYYY-MM-DD")
    which.add_argument("--since", type=_day, help="fold every day from this one to today")
    data_dir_option(fold)
    fold.set_defaults(handler=cmd_insights_fold)
    offline = insights_sub.add_parser(
        "import-offline",
        help="record counter, phone and paper transactions from a CSV file "
        "(columns: day, service, channel, count)",
    )
    offline.add_argument("file", metavar="FILE")
    data_dir_option(offline)
    offline.set_defaults(handler=cmd_insights_import)

    manage = sub.add_parser("manage", help="run a Django management command")
    data_dir_option(manage)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
