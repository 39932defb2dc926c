"""Agent routing evaluation: natural-language requests and the tool route each should take.

Reports, per provider, the share of requests whose route is exactly right (tool names in order)
and whose first tool is right. The offline router always runs; an OpenAI-compatible server is
evaluated too when OPENAI_BASE_URL is set (first tool only: one model call per request, with the
copilot's system prompt and tool schemas). Writes bench/results/agent_eval.json.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copilot.agent.offline import route  # noqa: E402

V = "0123456789abcdef"
CASES: list[tuple[str, list[str] | None]] = [
    ("How much did we emit in total?", ["account"]),
    ("What's our carbon footprint?", ["account"]),
    ("Give me the fleet's energy use and emissions", ["account"]),
    ("account the fleet with the seed power profile", ["account"]),
    ("What did team ml emit?", ["emissions"]),
    ("emissions of the data team by region", ["emissions"]),
    ("Break down emissions by region", ["emissions"]),
    ("show CO2 per day for eu-west-1", ["emissions"]),
    ("which team emits the most? emissions by team please", ["emissions"]),
    ("emissions by hour of day", ["emissions"]),
    ("forecast carbon intensity for us-east-1", ["forecast"]),
    ("When will eu-north-1 be cleanest tomorrow?", ["forecast"]),
    ("predict the next 12 hours of grid intensity in ap-south-1", ["forecast"]),
    ("day-ahead forecast for us-west-2", ["forecast"]),
    ("what's the greenest hour in eu-west-1 over the next 48 hours?", ["forecast"]),
    ("plan next week's jobs for the lowest carbon", ["plan"]),
    ("Make an exact plan for the next 3 days", ["plan"]),
    ("schedule the sustainable jobs to cut emissions", ["plan"]),
    ("optimise our workloads with a carbon price of 150 usd per tonne", ["plan"]),
    ("how can we reduce emissions? make a plan", ["plan"]),
    ("shift jobs to greener regions and times", ["plan"]),
    ("list the recommendations", ["recommendations"]),
    ("show me the top recommendations for team ml", ["recommendations"]),
    ("what should we change?", ["recommendations"]),
    ("show rightsize recommendations", ["recommendations"]),
    ("execute the plan", ["execute"]),
    ("apply the recommendations", ["execute"]),
    ("implement the latest plan", ["execute"]),
    ("verify the savings", ["verify"]),
    ("were the savings real?", ["verify"]),
    ("check the savings: claimed vs verified", ["verify"]),
    ("execute the plan and verify the savings", ["execute", "verify"]),
    ("plan the next 2 days, execute it and verify", ["plan", "execute", "verify"]),
    (f"show the evidence for verification {V}", ["evidence"]),
    (f"what's the proof behind {V}?", ["evidence"]),
    (f"mint verification {V}", ["mint"]),
    (f"please tokenise {V}", ["mint"]),
    ("verify last month's moves and mint the savings", ["verify", "mint"]),
    ("how many tokens do we hold?", ["balances"]),
    ("show token balances", ["balances"]),
    ("what's in the wallet?", ["balances"]),
    ("which policy is active?", ["policy"]),
    ("show the current policy and its constraints", ["policy"]),
    ("weekly summary", ["summary"]),
    ("weekly report for team data", ["summary"]),
    ("summarise week 2026-W03", ["summary"]),
    ("give me the digest for 2026w2", ["summary"]),
    ("simulate 10 days", ["simulate"]),
    ("generate a fleet with 200 jobs per day for 5 days", ["simulate"]),
    ("simulate 7 days and tell me how much we emitted", ["simulate", "account"]),
    ("what's the weather like?", None),
    ("tell me a joke", None),
]


def evaluate_offline() -> dict[str, Any]:
    exact = first = 0
    misses = []
    t = time.perf_counter()
    for question, expected in CASES:
        steps = route(question)
        got = [name for name, _ in steps] if steps else None  # no tool: help, a reply or a question back
        exact += got == expected
        first += (got or [None])[0] == (expected or [None])[0]
        if got != expected:
            misses.append({"question": question, "expected": expected, "got": got})
    n = len(CASES)
    return {"provider": "offline", "cases": n, "route_accuracy": round(exact / n, 4),
            "first_tool_accuracy": round(first / n, 4), "seconds": round(time.perf_counter() - t, 3),
            "misses": misses, "target": 0.9, "meets_target": exact / n >= 0.9}


def evaluate_openai() -> dict[str, Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    from copilot.agent.context import ToolContext
    from copilot.agent.llm import make_chat_model
    from copilot.agent.prompts import SYSTEM_PROMPT
    from copilot.agent.toolset import AGENT_TOOL_NAMES, make_tools
    from copilot.settings import LLMSettings, Settings

    settings = LLMSettings.from_env({**os.environ, "GREENOPS_LLM_PROVIDER": "openai"})
    tools = make_tools(ToolContext(Path("unused.sqlite"), Settings.from_env()))
    model = make_chat_model(settings).bind_tools([tools[n] for n in (*AGENT_TOOL_NAMES, "mint")])
    first = 0
    misses = []
    for question, expected in CASES:
        reply = model.invoke([SystemMessage(SYSTEM_PROMPT), HumanMessage(question)])
        got = reply.tool_calls[0]["name"] if reply.tool_calls else None
        want = expected[0] if expected else None
        first += got == want
        if got != want:
            misses.append({"question": question, "expected_first": want, "got": got})
    n = len(CASES)
    return {"provider": settings.label, "cases": n, "first_tool_accuracy": round(first / n, 4), "misses": misses}


def main() -> dict[str, Any]:
    out: dict[str, Any] = {"offline": evaluate_offline()}
    if os.environ.get("OPENAI_BASE_URL"):
        try:
            out["openai"] = evaluate_openai()
        except Exception as exc:  # a server that is down must not hide the offline figures
            out["openai"] = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        out["openai"] = {"skipped": "OPENAI_BASE_URL is not set"}
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "agent_eval.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
