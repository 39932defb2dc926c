"""Placeholder: filled in by its owner (read by its parts when no whole-sentence phrasing matches)."""

from __future__ import annotations

from collections.abc import Collection

from copilot.policy.values import Interpretation

__all__ = ["read"]


def read(text: str, teams: Collection[str]) -> Interpretation | None:
    """The constraint(s) of one clause, or None when this reader cannot be sure."""
    return None
