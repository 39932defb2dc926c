"""People and roles (Typer leaf).

    users add NAME --role ROLE --as ADMIN --password-stdin   stdin: the admin's password, then NAME's
                                                             (no second line: a one-time password is
                                                             generated and shown once)
    users add NAME --role admin --password-stdin             the very first user only (no --as)
    users list                                               names, roles, who created them
    users remove NAME --as ADMIN --password-stdin
    users passwd --as NAME --password-stdin                  stdin: the current, then the new password

Roles: viewer < operator < approver < admin (``tools.auth``). Passwords are stored as scrypt
hashes only; nothing here prints a password except a generated one-time password, once.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from copilot.cli.common import (
    AsOption,
    DbOption,
    JsonOption,
    PasswordStdinOption,
    acting_user,
    emit,
    guarded,
    read_secret_lines,
)
from copilot.services.storage import open_ledger

users_app = typer.Typer(help="People who may approve, operate or administer (roles and passwords).",
                        no_args_is_help=True)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name (lower case, e.g. alice or alice@example.com).")],
    role: Annotated[str, typer.Option(help="viewer, operator, approver or admin.")],
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a user (an admin acts with --as; the very first user, an admin, needs no --as)."""
    from copilot.services import users as service

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            admin = acting_user(ledger, as_user, password_stdin, "adding a user") if as_user else None
            lines = read_secret_lines(1, password_stdin, [f"new password for {name}"])
            return service.add_user(ledger, admin, name, role, lines[0] or None)

    def render(o: dict[str, Any]) -> str:
        text = f"added {o['name']} ({o['role']})"
        if "one_time_password" in o:
            text += f"\none-time password (shown once): {o['one_time_password']}"
        return text

    emit(guarded(as_json, work), as_json, render)


@users_app.command("list")
def list_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every user with role and who created them (never a password)."""
    from copilot.services import users as service

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            return {"users": service.users(ledger)}

    emit(guarded(as_json, work), as_json, lambda o: "\n".join(
        [f"{u['name']:<24} {u['role']:<9} added {u['created_utc']} by {u['created_by']}" for u in o["users"]]
        or ["no users yet: `app.py users add admin --role admin --password-stdin` (or `make run`)"]))


@users_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="User to remove.")],
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove a user (admins only; never the last admin)."""
    from copilot.services import users as service

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            admin = acting_user(ledger, as_user, password_stdin, "removing a user")
            return service.remove_user(ledger, admin, name)

    emit(guarded(as_json, work), as_json, lambda o: f"removed {o['removed']}")


@users_app.command("passwd")
def passwd(
    as_user: AsOption = None,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change your own password (stdin: the current password, then the new one)."""
    from copilot.services import users as service

    def work() -> dict[str, Any]:
        with open_ledger(db) as ledger:
            user = acting_user(ledger, as_user, password_stdin, "changing a password")
            (new,) = read_secret_lines(1, password_stdin, ["new password"])
            return service.change_password(ledger, user, new)

    emit(guarded(as_json, work), as_json, lambda o: f"password of {o['name']} changed")


def register(app: typer.Typer) -> None:
    """Add the ``users`` command group to ``app``."""
    app.add_typer(users_app, name="users")
