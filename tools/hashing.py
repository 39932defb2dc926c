"""Canonical JSON, content hashes and evidence hashes: the same content always gives the same hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from eth_utils.crypto import keccak


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return obj.isoformat()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return obj.tolist()
    raise TypeError(f"cannot canonicalise object of type {type(obj).__name__}")


def canonical_json(obj: Any) -> str:
    """Serialise to JSON with sorted keys, no whitespace and no NaN/Infinity."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=_default, allow_nan=False)


def sha256_hex(data: str | bytes) -> str:
    """Hex SHA-256 of a string (UTF-8) or bytes."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def content_hash(obj: Any) -> str:
    """Hex SHA-256 of the canonical JSON of ``obj``."""
    return sha256_hex(canonical_json(obj))


def evidence_hash(body: Any) -> str:
    """``0x`` + keccak256 of the canonical JSON of a verification body (without its ids): the hash
    a mint passes to the token contract, which refuses it a second time."""
    return "0x" + keccak(text=canonical_json(body)).hex()


__all__ = ["canonical_json", "content_hash", "evidence_hash", "sha256_hex"]
