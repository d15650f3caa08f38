"""Pseudonymous references: what the ledger records people under.

A reference is an HMAC-SHA256, keyed with the deployment's ``VENTANILLA_PSEUDONYM_KEY``, of
the person's national id. Without the key nobody can tell whose entries they are (the id
space is small, so a plain hash could be reversed by trying every id); with it, the
platform finds a resident's own entries for them. Erasing the key unlinks every entry.
"""

from __future__ import annotations

import hmac

from django.conf import settings


def _reference(kind: str, value: str) -> str:
    key = settings.VENTANILLA_PSEUDONYM_KEY.encode()
    return hmac.digest(key, f"{kind}:{value}".encode(), "sha256").hex()[:32]


def subject_reference(*, national_id: str) -> str:
    """The pseudonym of the person with ``national_id``."""
    return _reference("person", national_id)


def official_reference(*, user_id: int) -> str:
    """The pseudonym of an official's account: the agency can tell who acted, the public
    can tell that the same person did, and no name goes into the ledger."""
    return _reference("official", str(user_id))


def text_digest(text: str) -> str:
    """A keyed digest of free text (a decision's reason): the ledger fixes what was said
    without publishing it, and the agency can show a given text is the one recorded."""
    return _reference("text", text)
