"""People: authenticate, check roles, add / remove / list users, and the first admin.

A password is checked against its scrypt hash (``tools.auth``) and never stored, logged or
returned; the one exception is the one-time password of a newly created user that the caller
did not choose, returned once so the front end can show it once. Every change is audited with
the acting user's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.auth import PasswordError, Role, check_new_password, has_role, hash_password, new_password, verify_password
from tools.ledger import Ledger
from tools.ledger.users import UserError, check_name, count_users, get_user, list_users
from tools.ledger.users import add_user as insert_user
from tools.ledger.users import remove_user as delete_user
from tools.ledger.users import set_password as store_password

FIRST_ADMIN = "admin"


class AuthError(ValueError):
    """Authentication or authorisation refused: unknown user, wrong password, missing role."""


@dataclass(frozen=True)
class AuthUser:
    """A person whose password was checked just now (or whose session the web UI authenticated)."""

    name: str
    role: Role


def authenticate(ledger: Ledger, name: str, password: str) -> AuthUser:
    """The user ``name`` if ``password`` is theirs; AuthError naming what was wrong otherwise."""
    name = (name or "").strip()
    row = get_user(ledger, name) if name else None
    if row is None:
        raise AuthError(f"no user named {name!r}: an admin adds people with `app.py users add`")
    if not verify_password(password or "", str(row["password_hash"])):
        raise AuthError(f"wrong password for user {name!r}")
    return AuthUser(name=name, role=Role(row["role"]))


def known_user(ledger: Ledger, name: str) -> AuthUser:
    """The stored user ``name`` with their current role (for a session authenticated by the web UI);
    AuthError if there is no such user any more."""
    row = get_user(ledger, (name or "").strip())
    if row is None:
        raise AuthError(f"no user named {name!r} (removed since you logged in?)")
    return AuthUser(name=str(row["name"]), role=Role(row["role"]))


def require(user: AuthUser, needed: Role, doing: str) -> AuthUser:
    """``user`` if their role includes ``needed``; AuthError saying who may do it otherwise."""
    if not has_role(user.role, needed):
        raise AuthError(f"{user.name} is a {user.role}; {doing} needs the {needed} role or higher")
    return user


def users_exist(ledger: Ledger) -> bool:
    return count_users(ledger) > 0


def bootstrap_admin(ledger: Ledger, name: str = FIRST_ADMIN) -> str | None:
    """With no users yet, create admin ``name`` and return its one-time password (show it once);
    None when users exist already."""
    if users_exist(ledger):
        return None
    password = new_password()
    insert_user(ledger, name, Role.ADMIN, hash_password(password), actor="first-start")
    return password


def add_user(ledger: Ledger, actor: AuthUser | None, name: str, role: str, password: str | None
             ) -> dict[str, str]:
    """Create a user. ``actor`` must be an admin, except for the very first user (an admin) when
    no user exists. Without ``password`` a one-time password is generated and returned once."""
    check_name(name)
    try:
        wanted = Role(role)
    except ValueError:
        raise UserError(f"role {role!r} is not one of {', '.join(r.value for r in Role)}") from None
    if actor is None:
        if users_exist(ledger):
            raise AuthError("adding a user needs an admin: --as NAME --password-stdin")
        if wanted != Role.ADMIN:
            raise AuthError("the first user must be an admin (--role admin)")
    else:
        require(known_user(ledger, actor.name), Role.ADMIN, "adding a user")
    generated = password is None
    secret = new_password() if password is None else check_new_password(password)
    insert_user(ledger, name, wanted, hash_password(secret), actor=actor.name if actor else "first-start")
    out = {"name": name, "role": wanted.value}
    if generated:
        out["one_time_password"] = secret
    return out


def remove_user(ledger: Ledger, actor: AuthUser, name: str) -> dict[str, str]:
    """Delete a user (admin only); the last admin cannot be removed."""
    require(known_user(ledger, actor.name), Role.ADMIN, "removing a user")
    row = get_user(ledger, name)
    if row is None:
        raise UserError(f"no user named {name!r}")
    admins = [u for u in list_users(ledger) if u["role"] == Role.ADMIN]
    if row["role"] == Role.ADMIN and len(admins) == 1:
        raise AuthError(f"{name} is the last admin; add another admin before removing them")
    delete_user(ledger, name, actor=actor.name)
    return {"removed": name}


def change_password(ledger: Ledger, user: AuthUser, new: str) -> dict[str, str]:
    """Set ``user``'s own password (they authenticated with the old one)."""
    store_password(ledger, user.name, hash_password(check_new_password(new)), actor=user.name)
    return {"name": user.name, "changed": "password"}


def users(ledger: Ledger) -> list[dict[str, str]]:
    """Every user with role and creation (never a hash)."""
    return list_users(ledger)


__all__ = ["AuthError", "AuthUser", "PasswordError", "add_user", "authenticate", "bootstrap_admin",
           "change_password", "known_user", "remove_user", "require", "users", "users_exist"]
