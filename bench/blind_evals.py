"""Scores against the blind corpora (written by helpers who had not read the code they score).

    bench/agent_eval/corpus.jsonl   user utterances -> expected tool calls and arguments, and whether
                                    any write tool may run; split dev / test (tuning never reads test)
    bench/policy_eval/corpus.jsonl  policy sentences -> the PolicySet constraint each must yield (or none)
    bench/guard_eval/cases.jsonl    model answers + tool results -> pass / block by the numbers guard

Reports, per corpus: the offline router's tool choice, argument accuracy and write tools run where
none may (per split and per tool); the policy parser's recognised share and wrong constraints; the
numbers guard's holes (blocked answers it passed) and false alarms. Measures only; nothing here
is asserted. Writes bench/results/blind_evals.json.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WRITES = {"simulate", "plan", "execute", "verify", "mint"}


def _lines(path: Path) -> list[dict[str, Any]] | None:
    if not path.exists():
        return None
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, int | float) and isinstance(got, int | float) and not isinstance(want, bool):
        return abs(float(want) - float(got)) <= 1e-9 * max(1.0, abs(float(want)))
    return str(want).lower() == str(got).lower()


def agent_eval(path: Path = REPO / "bench" / "agent_eval" / "corpus.jsonl") -> dict[str, Any]:
    """The offline router on the utterance corpus, per split."""
    from datetime import UTC, datetime

    from copilot.agent.offline import route
    from copilot.agent.understand import World

    world = World(now=datetime(2026, 1, 12, 9, 0, tzinfo=UTC))  # the clock the corpus was written for

    cases = _lines(path)
    if cases is None:
        return {"skipped": f"{path} not found"}
    # more blind sets, written by other helpers after tuning on dev began (each scored before tuning on it)
    later = tuple(f"dev{i}" for i in range(2, 13))
    for extra in later:
        cases = cases + [c | {"split": extra} for c in _lines(path.parent / f"{extra}.jsonl") or []]
    out: dict[str, Any] = {}
    for split in ("dev", *later, "test"):
        chosen = [c for c in cases if c.get("split") == split]
        if not chosen:
            continue
        tools_ok = args_ok = with_args = violations = 0
        per_tool: dict[str, Counter[str]] = defaultdict(Counter)
        per_category: dict[str, Counter[str]] = defaultdict(Counter)
        misses: list[dict[str, Any]] = []
        for case in chosen:
            steps = route(case["text"], world) or []
            got: list[dict[str, Any]] = []
            for name, args_fn in steps:
                try:
                    args = args_fn([]) or {}
                except Exception:  # arguments that depend on earlier results
                    args = {}
                got.append({"tool": name, "args": args})
            want: list[dict[str, Any]] = case["expect"]
            names_ok = [g["tool"] for g in got] == [w["tool"] for w in want]
            tools_ok += names_ok
            for w in want or [{"tool": "(none)"}]:
                per_tool[w["tool"]]["cases"] += 1
                per_tool[w["tool"]]["tool_ok"] += names_ok
            args_missed = False
            if any(w.get("args") for w in want):
                with_args += 1
                ok = names_ok and all(_same(v, g["args"].get(k)) for w, g in zip(want, got, strict=False)
                                      for k, v in (w.get("args") or {}).items())
                args_ok += ok
                args_missed = not ok
                for w in want:
                    if w.get("args"):
                        per_tool[w["tool"]]["with_args"] += 1
                        per_tool[w["tool"]]["args_ok"] += ok
            wrote = [g["tool"] for g in got if g["tool"] in WRITES]
            for w in want or [{"tool": "(none)"}]:
                per_tool[w["tool"]]["forbidden_write_runs"] += bool(case.get("forbid_writes") and wrote)
            per_category[case.get("category", "?")]["cases"] += 1
            per_category[case.get("category", "?")]["tool_ok"] += names_ok
            per_category[case.get("category", "?")]["forbidden_write_runs"] += bool(case.get("forbid_writes") and wrote)
            if case.get("forbid_writes") and wrote:
                violations += 1
            if not names_ok or args_missed or (case.get("forbid_writes") and wrote):
                misses.append({"id": case["id"], "text": case["text"], "expected": want, "got": got})
        n = len(chosen)
        out[split] = {
            "cases": n, "tool_choice": round(tools_ok / n, 4) if n else None,
            "arguments": round(args_ok / with_args, 4) if with_args else None, "cases_with_arguments": with_args,
            "forbidden_write_runs": violations,
            "forbid_writes_cases": sum(bool(c.get("forbid_writes")) for c in chosen),
            "per_tool": {t: {"cases": c["cases"], "tool_choice": round(c["tool_ok"] / c["cases"], 3),
                             "cases_with_arguments": c["with_args"],
                             "arguments": round(c["args_ok"] / c["with_args"], 3) if c["with_args"] else None,
                             "forbidden_write_runs": c["forbidden_write_runs"]}
                         for t, c in sorted(per_tool.items())},
            "per_category": {k: {"cases": c["cases"], "tool_choice": round(c["tool_ok"] / c["cases"], 3),
                                 "forbidden_write_runs": c["forbidden_write_runs"]}
                             for k, c in sorted(per_category.items())},
            "misses": misses if split != "test" else len(misses),  # the test split's texts stay unseen
        }
    out["targets"] = {"tool_choice": 0.95, "arguments": 0.9, "forbidden_write_runs": 0}
    return out


def _unordered(value: Any) -> Any:
    """Lists of names compared as sets (the corpus lists regions in the order written)."""
    if isinstance(value, dict):
        return {k: _unordered(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_unordered(v) for v in value]
        return sorted(items, key=json.dumps) if all(isinstance(v, str) for v in items) else items
    return value


def _without_reasons(value: Any) -> Any:
    """A window list without its ``reason`` texts (the product keeps the source sentence there)."""
    if isinstance(value, list):
        return [{k: v for k, v in item.items() if k != "reason"} if isinstance(item, dict) else item for item in value]
    return value


def _score_policy(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The parser on policy sentences: the fields each sentence set (a clause restating a default,
    "urgent jobs are never moved", counts too; windows without their free-text reason; the later
    sets' field names mapped to the PolicySet's) against the expected ones."""
    from copilot.policy import parse_policy_text
    from tools.schemas import PolicySet

    recognised = correct = wrong = expected_some = 0
    misses = []
    for case in cases:
        report = parse_policy_text(case["text"], "eval")
        parsed = report.policy.model_dump(mode="json", exclude={"name", "source_sentences"})
        got = {k: _zones(_without_reasons(parsed[k])) for k in {c.policy_field for c in report.clauses}
               if k in parsed}
        if "carbon_budget_kg" in got:  # a budget always comes with its period, default or not
            got["carbon_budget_period"] = parsed["carbon_budget_period"]
        want = case["expect"]
        if want is None:
            wrong += bool(got)
            correct += not got
            if got:
                misses.append({"id": case["id"], "text": case["text"], "expected": None, "got": got})
            continue
        expected_some += 1
        mapped = _later_policy_fields(want)
        wanted = PolicySet.model_validate(mapped).model_dump(mode="json")
        want_fields = {k: _zones(_without_reasons(wanted[k])) for k in mapped}
        recognised += bool(got)
        if _unordered(got) == _unordered(want_fields):
            correct += 1
        else:
            wrong += bool(got)
            misses.append({"id": case["id"], "text": case["text"], "expected": want_fields, "got": got})
    return {"sentences": len(cases), "with_a_constraint": expected_some,
            "recognised": round(recognised / expected_some, 4) if expected_some else None,
            "correct": round(correct / len(cases), 4) if cases else None, "wrong_constraints": wrong,
            "misses": misses}


def policy_eval(path: Path = REPO / "bench" / "policy_eval" / "corpus.jsonl") -> dict[str, Any]:
    """The deterministic policy parser on the sentence corpus, per split, and on the second held-out set
    (test2.jsonl); for both held-out sets the misses are only counted."""
    cases = _lines(path)
    if cases is None:
        return {"skipped": f"{path} not found"}
    out: dict[str, Any] = {}
    for split in ("dev", "test"):
        scored = _score_policy([c for c in cases if c.get("split", "dev") == split])
        if split == "test":
            scored["misses"] = len(scored["misses"])
        out[split] = scored
    test2 = _lines(path.parent / "test2.jsonl")
    if test2 is not None:  # a second held-out set, written blind on 2026-12-02; misses counted, never printed
        scored = _score_policy(test2)
        out["test2"] = scored | {"misses": len(scored["misses"])}
        both = [out["test"], out["test2"]]
        found = sum(round(s["recognised"] * s["with_a_constraint"]) for s in both)
        with_one = sum(s["with_a_constraint"] for s in both)
        out["held_out"] = {"sentences": sum(s["sentences"] for s in both), "with_a_constraint": with_one,
                           "recognised": round(found / with_one, 4),
                           "wrong_constraints": sum(s["wrong_constraints"] for s in both)}
    out["targets"] = {"recognised": 0.9, "wrong_constraints": 0}
    return out


def _offsets(tz: str) -> tuple[float, ...]:
    """A zone's UTC offsets on four sample days (zones compared by meaning: Asia/Kolkata == UTC+05:30)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    if tz.startswith("UTC") and len(tz) > 3:
        sign = -1 if tz[3] == "-" else 1
        h, m = tz[4:].split(":")
        return (sign * (int(h) + int(m) / 60),) * 4
    days = [datetime(2026, mo, 15, 12, tzinfo=ZoneInfo(tz)) for mo in (1, 4, 7, 10)]
    return tuple((d.utcoffset() or timedelta()).total_seconds() / 3600 for d in days)


def _later_policy_fields(want: dict[str, Any]) -> dict[str, Any]:
    """The later blind sets' field names mapped to the PolicySet's (recurring windows' start/end,
    quorum thresholds by unit)."""
    out = dict(want)
    if "recurring_blackouts" in out:
        out["recurring_blackouts"] = [
            {"days": w["days"], "start_local": w.get("start_local", w.get("start")),
             "end_local": w.get("end_local", w.get("end")), "timezone": w["timezone"], "regions": w.get("regions")}
            for w in out["recurring_blackouts"]]
    quorum = out.get("mint_quorum")
    if quorum and ("above_kwh" in quorum or "above_kgco2e" in quorum):
        above, unit = ((quorum["above_kwh"], "kWh") if quorum.get("above_kwh") is not None else
                       (quorum.get("above_kgco2e"), "kgCO2e" if quorum.get("above_kgco2e") is not None else None))
        out["mint_quorum"] = {"approvers": quorum["approvers"], "above": above, "unit": unit}
    return out


def _zones(value: Any) -> Any:
    if isinstance(value, list):
        return [{**w, "timezone": _offsets(w["timezone"])} if isinstance(w, dict) and "timezone" in w else w
                for w in value]
    return value


POLICY_SETS_NOT_TUNED_ON: frozenset[str] = frozenset()
"""Later policy sets scored but never tuned on (none at the moment: dev13, the last one, was tuned on
lightly after its first score). Every set's first score, the honest estimate of how the parser reads
sentences it has not seen, is recorded in the README; the corpus test split is never tuned on."""


def policy_later_sets(folder: Path = REPO / "bench" / "policy_eval") -> dict[str, Any]:
    """The parser on the later blind policy sets (dev2.., written by helpers who had not read the parser)."""
    out: dict[str, Any] = {}
    for path in sorted(folder.glob("dev*.jsonl"), key=lambda p: int(p.stem[3:])):
        scored = _score_policy(_lines(path) or [])
        out[path.stem] = {k: scored[k] for k in ("sentences", "with_a_constraint", "recognised", "wrong_constraints")}
        out[path.stem]["tuned_on"] = path.stem not in POLICY_SETS_NOT_TUNED_ON
    for path in sorted(folder.glob("neg*.jsonl")):  # hard negatives only: every constraint made is wrong
        scored = _score_policy(_lines(path) or [])
        out[path.stem] = {"sentences": scored["sentences"], "wrong_constraints": scored["wrong_constraints"],
                          "tuned_on": path.stem not in POLICY_SETS_NOT_TUNED_ON}
    return out


def guard_eval(path: Path = REPO / "bench" / "guard_eval" / "cases.jsonl") -> dict[str, Any]:
    """The numbers guard as the graph wires it: only successful tool results are sources (not
    failed calls or refusals, not the question)."""
    from copilot.agent.guard import check_numbers, tool_succeeded

    cases = _lines(path)
    if cases is None:
        return {"skipped": f"{path} not found"}
    out: dict[str, Any] = {}
    for split in ("dev", "test"):
        chosen = [c for c in cases if c.get("split", "dev") == split]
        holes, false_alarms = [], []
        for case in chosen:
            sources = [json.dumps(r.get("result")) for r in case.get("tool_results", [])
                       if r.get("ok", True) and tool_succeeded(json.dumps(r.get("result")))]
            passed = check_numbers(case["answer"], sources).ok
            if case["expect"] == "block" and passed:
                holes.append({"id": case["id"], "answer": case["answer"], "why": case.get("why")})
            if case["expect"] == "pass" and not passed:
                false_alarms.append({"id": case["id"], "answer": case["answer"], "why": case.get("why")})
        n_block = sum(c["expect"] == "block" for c in chosen)
        dev = split == "dev"
        out[split] = {"cases": len(chosen), "must_block": n_block, "must_pass": len(chosen) - n_block,
                      "holes": len(holes), "false_alarms": len(false_alarms),
                      "hole_cases": holes if dev else len(holes),
                      "false_alarm_cases": false_alarms if dev else len(false_alarms)}
    out["targets"] = {"holes": 0, "false_alarms": 0}
    return out


def main() -> dict[str, Any]:
    out = {"agent": agent_eval(), "policy": policy_eval() | {"later_sets": policy_later_sets()},
           "guard": guard_eval()}
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "blind_evals.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


def brief(value: Any) -> Any:
    """The figures without the lists of cases (those are in the JSON file)."""
    if isinstance(value, dict):
        return {k: brief(v) for k, v in value.items() if k not in ("misses", "hole_cases", "false_alarm_cases",
                                                                   "per_tool")}
    return value


if __name__ == "__main__":
    print(json.dumps(brief(main()), indent=2, default=str))
