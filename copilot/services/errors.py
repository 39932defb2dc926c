"""Which exceptions are the user's to fix (bad input, a missing record, an unreachable chain).

The front ends report these as one clear message (exit code 1 in the CLI, a notice in the UI);
anything else is a bug and propagates. The ledger and chain errors are imported only when an
exception is being classified, so a front end pays for web3 only when a chain error can occur.
"""

from __future__ import annotations

from pydantic import ValidationError


def user_errors() -> tuple[type[BaseException], ...]:
    """The exception types that describe a problem with the user's input or environment."""
    from tools.chain import ChainError
    from tools.ledger import LedgerError

    return (ValueError, ValidationError, LedgerError, ChainError, FileNotFoundError)


def is_user_error(exc: BaseException) -> bool:
    """True when ``exc`` is reported to the user rather than raised as a bug."""
    return isinstance(exc, user_errors())
