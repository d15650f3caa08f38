"""What Django's transaction module lacks: a callback for when a transaction rolls back."""

from __future__ import annotations

import weakref
from collections.abc import Callable

from django.db import transaction


class _Pending:
    """Registered with ``on_commit``: Django calls it when the transaction commits, and
    drops it uncalled when the transaction, or the savepoint it was registered in, rolls
    back (documented: the callback is discarded)."""

    __slots__ = ("__weakref__", "called")

    def __init__(self, called: list[bool]) -> None:
        self.called = called

    def __call__(self) -> None:
        self.called[0] = True


def on_rollback(callback: Callable[[], object], *, using: str | None = None) -> None:
    """Call ``callback`` if the current transaction, or the savepoint we are in, rolls
    back: when Django drops the commit hook registered here without having called it.
    For undoing what a database cannot, such as a file written to storage."""
    called = [False]
    pending = _Pending(called)
    # The finaliser holds ``called``, never ``pending``, so dropping the hook frees it.
    weakref.finalize(pending, lambda: None if called[0] else callback())
    transaction.on_commit(pending, using=using)
