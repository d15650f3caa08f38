"""A fixed-window rate limit on the shared cache (every web process sees the same counts)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The caller's address as the server saw it (behind a proxy, configure it to set
    REMOTE_ADDR; X-Forwarded-For is not trusted here because anyone can send it)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(*, action: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt of ``action`` by ``key``; False once ``limit`` is passed."""
    digest = hashlib.sha256(f"{action}:{key}".encode()).hexdigest()[:32]
    name = f"ratelimit:{action}:{digest}"
    if cache.add(name, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window_seconds)
        return True
    return count <= limit
