"""Signed notes and checkpoints in the C2SP formats (c2sp.org/signed-note and
c2sp.org/tlog-checkpoint), so that the transparency-log tools of the ecosystem (Go's
``golang.org/x/mod/sumdb/note``, transparency-dev's ``formats/log``) read our tree heads.

A checkpoint note::

    ventanilla.example.gov/ledger
    1234
    <base64 root hash>
    Timestamp: 1764000000

    — ventanilla.example.gov/ledger <base64 of key id (4 bytes) || Ed25519 signature>

The fourth line is an extension line (the spec allows them and tells clients to ignore the
ones they do not know): the time the log signed the tree head, in seconds since the epoch.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01  # the signature type byte of Ed25519 in signed notes
DASH = "\u2014"  # signature lines start with an em dash and a space


class NoteError(ValueError):
    """A note, key or checkpoint that does not parse or does not verify."""


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NoteError(f"not base64: {text[:20]!r}") from error


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4 bytes that name a key in signature lines: SHA-256(name || 0x0A || 0x01 || key)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The key as verifiers write it: ``<name>+<key id hex>+<base64(0x01 || key)>``."""
    encoded = base64.b64encode(bytes([ED25519]) + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not parts[0]:
            raise NoteError("a verifier key reads <name>+<key id>+<key>")
        name, hex_id, encoded = parts
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError("only Ed25519 verifier keys are supported")
        if key_id(name, raw[1:]).hex() != hex_id.lower():
            raise NoteError("the key id does not match the key")
        return cls(name=name, key_id=bytes.fromhex(hex_id), public_key=_public(raw[1:]))


def _public(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(text: str, *, name: str, key: Ed25519PrivateKey) -> str:
    """The signed note: ``text`` (which ends in a newline), a blank line, the signature."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends in one newline and has no blank line")
    public = public_bytes(key.public_key())
    signature = key.sign(text.encode())
    encoded = base64.b64encode(key_id(name, public) + signature).decode()
    return f"{text}\n{DASH} {name} {encoded}\n"


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` if it carries a valid signature by ``verifier``."""
    text, separator, signatures = note.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise NoteError("a signed note is its text, a blank line and signature lines")
    text += "\n"
    for line in signatures.splitlines():
        if not line.startswith(DASH + " "):
            raise NoteError("a signature line starts with an em dash")
        name, _, encoded = line[2:].rpartition(" ")
        if name != verifier.name:
            continue
        raw = _b64decode(encoded)
        if len(raw) != 68 or raw[:4] != verifier.key_id:
            continue
        try:
            verifier.public_key.verify(raw[4:], text.encode())
        except InvalidSignature:
            raise NoteError("the signature does not verify") from None
        return text
    raise NoteError(f"the note carries no signature by {verifier.name}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    timestamp: dt.datetime | None = None

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        if self.timestamp is not None:
            lines.append(f"Timestamp: {int(self.timestamp.timestamp())}")
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash line")
        origin, size, root_hash = lines[:3]
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError(f"the tree size {size!r} is not a decimal number")
        raw = _b64decode(root_hash)
        if len(raw) != 32:
            raise NoteError("the root hash is not 32 bytes")
        timestamp = None
        for line in lines[3:-1]:
            if line.startswith("Timestamp: ") and line[11:].isdigit():
                timestamp = dt.datetime.fromtimestamp(int(line[11:]), tz=dt.UTC)
        return cls(origin=origin, size=int(size), root_hash=raw, timestamp=timestamp)
