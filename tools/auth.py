"""People and what they may do: roles, and password hashing with scrypt (a memory-hard KDF from
the standard library's OpenSSL binding). Passwords are never stored, logged or returned: only
``scrypt$n$r$p$salt$hash`` strings, compared in constant time.

Roles are ordered: ``viewer`` < ``operator`` < ``approver`` < ``admin``; a role may do what the
roles below it may do.
    viewer    read answers, dashboards and the ledger
    operator  + change operational state from the UI or chat (execute a plan)
    approver  + approve or reject mints and retire tokens
    admin     + activate policies and manage users
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from enum import StrEnum

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024
NAME_PATTERN = r"^[a-z][a-z0-9._@-]{0,63}$"


class Role(StrEnum):
    """What a person may do (the one list; order = increasing rights)."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    APPROVER = "approver"
    ADMIN = "admin"


ROLE_RANK: dict[Role, int] = {role: rank for rank, role in enumerate(Role)}


def has_role(role: str, needed: Role) -> bool:
    """True when ``role`` includes the rights of ``needed``."""
    try:
        return ROLE_RANK[Role(role)] >= ROLE_RANK[needed]
    except ValueError:
        return False


class PasswordError(ValueError):
    """A password that cannot be accepted (too short, too long, not text)."""


def check_new_password(password: str) -> str:
    """The password if acceptable (8-1024 characters, not only spaces), else PasswordError."""
    if not isinstance(password, str) or not password.strip():
        raise PasswordError("the password is empty")
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"the password has {len(password)} characters; at least {MIN_PASSWORD_CHARS} "
                            f"are needed")
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordError(f"the password is longer than {MAX_PASSWORD_CHARS} characters")
    return password


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$<salt b64>$<hash b64>`` of ``password`` (random 16-byte salt by default)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash (constant-time); False for a malformed hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def new_password() -> str:
    """A random one-time password (20 URL-safe characters, ~120 bits)."""
    return secrets.token_urlsafe(15)


__all__ = ["NAME_PATTERN", "ROLE_RANK", "PasswordError", "Role", "check_new_password", "has_role",
           "hash_password", "new_password", "verify_password"]
