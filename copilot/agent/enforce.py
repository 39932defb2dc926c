"""Structural enforcement of the active policy on every tool call the agent proposes.

A call is refused (with the reason returned to the agent as the tool's result) when the tool is
unknown, its arguments do not validate against the tool's pydantic schema (unknown keys such as an
``amount`` or a recipient for ``mint`` included), or they contradict the active ``PolicySet``.
``mint`` additionally needs an existing verification with something to mint, and is never run
here: the graph routes it to the human approval node.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.tools import BaseTool
from pydantic import ValidationError

from tools.records import Verification
from tools.schemas import PolicySet
from tools.tokens import TOKENS, token_for_kind

REFUSED = "refused by governance"
MAX_ARGUMENT_CHARS = 2000
"""Largest tool-call arguments (as JSON) governance lets through: every tool takes ids, names, dates
and numbers, so anything larger is a model's runaway output or an injection."""


def _validation_reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        parts.append(f"{where}: {err['msg']}")
    return "invalid arguments (" + "; ".join(parts) + ")"


def check_call(name: str, args: Mapping[str, Any], tools: Mapping[str, BaseTool], policy: PolicySet | None,
               find_verification: Callable[[str], Verification | None] | None = None) -> str | None:
    """None when the call may run, else the reason it is refused (``find_verification`` looks up the
    stored verification a mint names)."""
    tool = tools.get(name)
    if tool is None:
        return f"unknown tool {name[:80]!r} (tools: {', '.join(sorted(tools))})"
    size = len(json.dumps(dict(args), default=str))
    if size > MAX_ARGUMENT_CHARS:
        return (f"the arguments of {name} are {size} characters of JSON; the limit is {MAX_ARGUMENT_CHARS} (ids, "
                f"names, dates and numbers only): nothing was run")
    schema = tool.args_schema
    try:
        parsed = schema.model_validate(dict(args)) if isinstance(schema, type) else None  # type: ignore[union-attr]
    except ValidationError as exc:
        if name == "mint" and any(e["type"] == "extra_forbidden" for e in exc.errors()):
            return ("mint takes only a verification_id (or all_mintable): the amount always comes from the "
                    "stored verification and the recipient from the configuration")
        return _validation_reason(exc)
    if name == "plan" and policy is not None and policy.carbon_price_usd_per_t is not None:
        asked = getattr(parsed, "carbon_price_usd_per_t", None)
        if asked is not None and abs(asked - policy.carbon_price_usd_per_t) > 1e-9:
            return (f"the active policy fixes the carbon price at {policy.carbon_price_usd_per_t:g} USD/t; "
                    f"a plan cannot use {asked:g}")
    if name == "mint" and find_verification is not None and args.get("verification_id") is not None:
        return _check_mint(find_verification, str(args.get("verification_id", "")))
    return None


def _check_mint(find_verification: Callable[[str], Verification | None], verification_id: str) -> str | None:
    v = find_verification(verification_id)
    if v is None:
        return f"no verification with id {verification_id!r}: only verified savings can be minted"
    spec = TOKENS[token_for_kind(v.kind)]
    if getattr(v, spec.field) <= 0:
        return (f"verification {verification_id} ({v.kind}) has nothing to mint: its 90% lower bound in "
                f"{spec.unit} is not positive")
    return None
