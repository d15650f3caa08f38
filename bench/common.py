"""What the bench scripts share: a keep-alive HTTP/1.1 load driver, a server launcher, and
the statistics they print."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# A request factory gets the connection's number and its request's number, and gives the
# raw request bytes, so that each request can carry its own key or body.
RequestFactory = Callable[[int, int], bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(path: str, cookie: str = "") -> RequestFactory:
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n{extra}\r\n".encode()
    return lambda _connection, _number: raw


async def _connection(
    port: int,
    number: int,
    make: RequestFactory,
    deadline: float,
    latencies: list[float],
    errors: list[str],
    ok: tuple[bytes, ...],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for sequence in itertools.count():
            if time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            writer.write(make(number, sequence))
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status not in ok:
                errors.append(f"{status.decode()} {body[:200].decode(errors='replace')}")
    finally:
        writer.close()


def drive(
    port: int,
    make: RequestFactory,
    *,
    seconds: float,
    concurrency: int,
    ok: tuple[bytes, ...] = (b"200",),
) -> dict[str, float | int | str]:
    """Send requests on ``concurrency`` keep-alive connections for ``seconds``."""
    return _summary(*_drive(port, make, seconds=seconds, concurrency=concurrency, ok=ok))


def drive_alternating(
    port: int,
    makes: dict[str, RequestFactory],
    *,
    seconds: float,
    concurrency: int,
    rounds: int = 8,
    ok: tuple[bytes, ...] = (b"200",),
) -> dict[str, dict[str, float | int | str]]:
    """``drive`` each of ``makes`` for ``seconds`` in all, taking turns in ``rounds``
    slices, so that a machine whose speed drifts during the run (a shared one does)
    slows each of them alike; the figures of each name over all its slices."""
    taken: dict[str, tuple[list[float], list[str], float]] = {name: ([], [], 0.0) for name in makes}
    for _ in range(rounds):
        for name, make in makes.items():
            latencies, errors, elapsed = _drive(
                port, make, seconds=seconds / rounds, concurrency=concurrency, ok=ok
            )
            kept = taken[name]
            taken[name] = (kept[0] + latencies, kept[1] + errors, kept[2] + elapsed)
    return {name: _summary(*figures) for name, figures in taken.items()}


def _drive(
    port: int, make: RequestFactory, *, seconds: float, concurrency: int, ok: tuple[bytes, ...]
) -> tuple[list[float], list[str], float]:
    async def run() -> tuple[list[float], list[str], float]:
        latencies: list[float] = []
        errors: list[str] = []
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _connection(port, n, make, started + seconds, latencies, errors, ok)
                for n in range(concurrency)
            )
        )
        return latencies, errors, time.perf_counter() - started

    return asyncio.run(run())


def _summary(
    latencies: list[float], errors: list[str], elapsed: float
) -> dict[str, float | int | str]:
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "requests_per_second": round((len(latencies) - len(errors)) / elapsed, 1),
        "p50_ms": round(quantiles[49] * 1000, 2),
        "p95_ms": round(quantiles[94] * 1000, 2),
        "p99_ms": round(quantiles[98] * 1000, 2),
    }


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
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


def bench_env(database_url: str = "") -> dict[str, str]:
    """An environment for a throw-away Ventanilla: its own data dir, the bench view on."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["VENTANILLA_DATA_DIR"] = tempfile.mkdtemp(prefix="ventanilla-bench-")
    env["VENTANILLA_BENCH_VIEWS"] = "true"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


VENTANILLA = [sys.executable, "-m", "ventanilla"]


@contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[int]:
    """``ventanilla serve`` (Granian) on a free port for the duration; yields the port."""
    port = free_port()
    server = subprocess.Popen(
        [*VENTANILLA, "serve", "--port", str(port), "--workers", str(workers)], env=env
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def data_dir(env: dict[str, str]) -> Path:
    return Path(env["VENTANILLA_DATA_DIR"])
