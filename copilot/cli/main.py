"""The command line (Typer): this module creates the app and registers every leaf's commands.

Leaves (``fleet``, ``plan``, ``forecast``, ``chain``, ``policy``, ``agent``, ``ui``, ``demo``)
define plain command functions plus ``register(app)`` and never import this module. JSON goes to
stdout with ``--json``; logs go to stderr. Heavy modules (pandas, the tools, web3, gradio) are
imported inside the commands so that ``python app.py --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import Literal

import typer

from copilot.cli import agent, chain, demo, fleet, forecast, mcp, plan, policy, ui, users

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="GreenOps Copilot: measure, plan, verify and tokenise compute savings.")
for leaf in (fleet, plan, demo, forecast, chain, policy, agent, ui, users, mcp):
    leaf.register(app)


def main(argv: list[str] | None = None) -> Literal[0]:
    """Entry point used by app.py."""
    app(args=argv if argv is not None else sys.argv[1:])
    return 0
