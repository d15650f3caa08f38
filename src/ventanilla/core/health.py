"""Probes for load balancers: /healthz (the process answers), /readyz (it can serve)."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


_migrations_seen_applied = False


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database answers and no migration is waiting to be applied."""
    global _migrations_seen_applied
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        if not _migrations_seen_applied:
            # Reading the migration graph takes tens of milliseconds: do it until it passes.
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            _migrations_seen_applied = not pending
        checks["migrations"] = (
            "ok" if _migrations_seen_applied else "migrations are waiting to be applied"
        )
    except DatabaseError:
        checks.setdefault("database", "unreachable")
    ready = all(value == "ok" for value in checks.values()) and "migrations" in checks
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The baseline of bench/portal.py: one query, no template (VENTANILLA_BENCH_VIEWS only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM identity_agency")
        (count,) = cursor.fetchone() or (0,)
    return HttpResponse(f"{count}", content_type="text/plain")
