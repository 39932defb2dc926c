"""Who is using the web UI: Gradio's login (``launch(auth=...)``) checks the password against the
ledger's users; every handler that decides something reads ``request.username`` and the user's
current role from the ledger (never a name typed into a box)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gradio as gr

from copilot.services.errors import is_user_error
from copilot.services.storage import open_ledger
from copilot.services.users import AuthUser, authenticate, known_user
from tools.auth import Role, has_role


def password_check(db_path: Path) -> Callable[[str, str], bool]:
    """Gradio's auth callback: True when the name and password match a stored user."""

    def check(name: str, password: str) -> bool:
        try:
            with open_ledger(db_path) as ledger:
                authenticate(ledger, name, password)
            return True
        except Exception as exc:
            if not is_user_error(exc):
                raise
            return False

    return check


def session_user(db_path: Path, request: gr.Request | None) -> AuthUser | None:
    """The logged-in user of this browser session with their current role, or None (no login)."""
    name = getattr(request, "username", None) if request is not None else None
    if not name:
        return None
    try:
        with open_ledger(db_path) as ledger:
            return known_user(ledger, str(name))
    except Exception as exc:
        if not is_user_error(exc):
            raise
        return None


def can(user: AuthUser | None, role: Role) -> bool:
    """True when the session's user has ``role`` or higher."""
    return user is not None and has_role(user.role, role)


def who_markdown(user: AuthUser | None) -> str:
    if user is None:
        return "not logged in: read-only"
    return f"logged in as **{user.name}** ({user.role}) · [log out](/logout)"


def who_label(db_path: Path) -> Callable[[gr.Request], str]:
    """A page-load handler showing who is logged in (Gradio injects the request by annotation)."""

    def label(request: gr.Request) -> str:
        return who_markdown(session_user(db_path, request))

    return label
