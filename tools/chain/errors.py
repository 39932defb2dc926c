"""Refusals of a token request (not chain faults): the request itself is not acceptable."""

from __future__ import annotations


class MintError(ValueError):
    """A mint, retirement or anchor request is not acceptable (nothing to mint, wrong status ...)."""


class InsufficientBalanceError(MintError):
    """Retiring more than the holder has."""
