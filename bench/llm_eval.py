"""The agent eval with a REAL language model beside the offline router.

Sends each request of the utterance corpus (bench/agent_eval/corpus.jsonl: the blind held-out
``test`` split by default) to an OpenAI-compatible endpoint with the copilot's own system message
(rules, "No policy is active.", the corpus clock) and tool schemas, and scores the model's FIRST
reply the way the offline router is scored: tool choice (the tool names of that reply equal the
expected route), first tool, arguments (every expected argument present and equal, on requests that
expect some), and write tools the model asked for on negated / hypothetical requests, before and after
the governance filter the chat applies. Latency per request is reported (mean, p50, p95).

One command, any endpoint:
    python bench/llm_eval.py                                # starts the local llama.cpp server (make model)
    python bench/llm_eval.py --base-url http://127.0.0.1:8000/v1 --model qwen2.5-7b-instruct
    python bench/llm_eval.py --base-url http://127.0.0.1:11434/v1 --model llama3.1   # Ollama's OpenAI API
Options: --split test|dev|all, --limit N, --max-tokens N, --chat-format (local server only).
Writes bench/results/llm_eval.json. A 135M model chooses badly: the figures are honest, however low.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.blind_evals import WRITES, _lines, _same  # noqa: E402

CORPUS = REPO / "bench" / "agent_eval" / "corpus.jsonl"
CLOCK = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
"""The clock the corpus was written for (as in bench/blind_evals.py)."""


def cases_of(split: str) -> list[dict[str, Any]]:
    cases = _lines(CORPUS) or []
    return cases if split == "all" else [c for c in cases if c.get("split") == split]


def score(cases: list[dict[str, Any]], replies: list[list[dict[str, Any]]], seconds: list[float] | None = None
          ) -> dict[str, Any]:
    """Scores of first replies (per case: the tool calls, each ``{"tool", "args"}``) against the corpus."""
    from copilot.agent.polarity import forbidden_writes

    route_ok = first_ok = args_ok = with_args = raw_writes = kept_writes = 0
    per_tool: dict[str, dict[str, int]] = {}
    for case, got in zip(cases, replies, strict=True):
        want: list[dict[str, Any]] = case["expect"] or []
        names = [g["tool"] for g in got]
        same_route = names == [w["tool"] for w in want]
        route_ok += same_route
        first_ok += (names or [None])[0] == ([w["tool"] for w in want] or [None])[0]
        key = want[0]["tool"] if want else "(none)"
        tally = per_tool.setdefault(key, {"cases": 0, "route_ok": 0})
        tally["cases"] += 1
        tally["route_ok"] += same_route
        if any(w.get("args") for w in want):
            with_args += 1
            args_ok += same_route and all(_same(v, g["args"].get(k)) for w, g in zip(want, got, strict=False)
                                          for k, v in (w.get("args") or {}).items())
        if case.get("forbid_writes"):
            wrote = {n for n in names if n in WRITES}
            raw_writes += bool(wrote)
            kept_writes += bool(wrote - forbidden_writes(case["text"]))
    n = len(cases)
    out: dict[str, Any] = {
        "cases": n, "tool_choice": round(route_ok / n, 4) if n else None,
        "first_tool": round(first_ok / n, 4) if n else None,
        "arguments": round(args_ok / with_args, 4) if with_args else None, "cases_with_arguments": with_args,
        "forbid_writes_cases": sum(bool(c.get("forbid_writes")) for c in cases),
        "write_calls_on_forbidden_requests": raw_writes,
        "write_calls_after_governance_filter": kept_writes,
        "per_first_tool": {k: {"cases": v["cases"], "tool_choice": round(v["route_ok"] / v["cases"], 3)}
                           for k, v in sorted(per_tool.items())},
    }
    if seconds:
        ordered = sorted(seconds)
        out["latency_s"] = {"mean": round(statistics.fmean(seconds), 3), "p50": round(ordered[len(ordered) // 2], 3),
                            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 3),
                            "max": round(ordered[-1], 3)}
    return out


def offline_replies(cases: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The offline router's route per case (its whole route is its first reply's plan)."""
    from copilot.agent.offline import route
    from copilot.agent.understand import World

    world = World(now=CLOCK)
    out = []
    for case in cases:
        got = []
        for name, args_fn in route(case["text"], world) or []:
            try:
                args = args_fn([]) or {}
            except Exception:  # arguments that depend on earlier results
                args = {}
            got.append({"tool": name, "args": args})
        out.append(got)
    return out


def model_replies(cases: list[dict[str, Any]], base_url: str, model: str, api_key: str, max_tokens: int,
                  timeout_s: float) -> tuple[list[list[dict[str, Any]]], list[float], list[str]]:
    """The endpoint's first reply per case (tool calls), its latency (s) and the failures."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from copilot.agent.context import ToolContext
    from copilot.agent.llm import make_chat_model
    from copilot.agent.model_errors import model_failure
    from copilot.agent.prompts import system_text
    from copilot.agent.toolset import AGENT_TOOL_NAMES, make_tools
    from copilot.settings import LLMSettings, Settings

    settings = LLMSettings(provider="openai", model=model, base_url=base_url, api_key=api_key, max_tokens=max_tokens,
                           timeout_s=timeout_s)
    tools = make_tools(ToolContext(Path("unused.sqlite"), Settings.from_env()))
    bound = make_chat_model(settings).bind_tools([tools[n] for n in (*AGENT_TOOL_NAMES, "mint")])
    system = SystemMessage(system_text("No policy is active.", f"As of {CLOCK:%Y-%m-%d %H:%M} UTC"))
    replies, seconds, failures = [], [], []
    for case in cases:
        t0 = time.perf_counter()
        try:
            reply = bound.invoke([system, HumanMessage(case["text"])])
            replies.append([{"tool": c["name"], "args": dict(c["args"])} for c in reply.tool_calls])
        except Exception as exc:
            why = model_failure(exc, settings.label)
            if why is None:
                raise
            failures.append(f"{case['id']}: {why}")
            replies.append([])
        seconds.append(time.perf_counter() - t0)
    return replies, seconds, failures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="OpenAI-compatible endpoint (default: start the local llama.cpp server)")
    parser.add_argument("--model", help="model name the endpoint serves")
    parser.add_argument("--api-key", default="not-needed")
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--limit", type=int, default=0, help="only the first N requests (0: all)")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--chat-format", help="local server only: llama-cpp-python chat format")
    args = parser.parse_args(argv)
    cases = cases_of(args.split)[: args.limit or None]
    out: dict[str, Any] = {"corpus": str(CORPUS.relative_to(REPO)), "split": args.split,
                           "offline": score(cases, offline_replies(cases))}
    server = None
    try:
        base_url, model = args.base_url, args.model
        if base_url is None:
            from copilot.services.local_llm import LocalModelConfig, LocalModelError, start_local_server
            from tools.chain.node import free_port

            config = LocalModelConfig.from_env()
            if args.chat_format:
                config = LocalModelConfig(config.gguf, args.chat_format, config.n_ctx, config.threads)
            try:
                server = start_local_server(config, free_port(), REPO / "bench" / "results" / "llm_server.log")
            except LocalModelError as exc:
                out["model"] = {"skipped": str(exc)}
                return write(out)
            base_url, model = server.base_url, server.model
            out["server"] = {"kind": "llama-cpp-python (local)", "chat_format": config.chat_format,
                             "n_ctx": config.n_ctx, "threads": config.threads, "load_seconds": server.load_seconds}
        replies, seconds, failures = model_replies(cases, base_url, model or "default", args.api_key, args.max_tokens,
                                                   args.timeout)
        out["model"] = {"endpoint": base_url, "name": model, "max_tokens": args.max_tokens,
                        **score(cases, replies, seconds), "failures": failures[:20], "failed": len(failures)}
        if args.split != "test":  # the held-out texts stay unseen: misses listed for dev only
            out["model"]["misses"] = [{"id": c["id"], "text": c["text"], "expected": c["expect"], "got": r}
                                      for c, r in zip(cases, replies, strict=True)
                                      if [g["tool"] for g in r] != [w["tool"] for w in c["expect"] or []]][:40]
    finally:
        if server is not None:
            server.stop()
    return write(out)


def write(out: dict[str, Any]) -> dict[str, Any]:
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "llm_eval.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
