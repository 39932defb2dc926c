"""Write copilot/agent/understand/examples.jsonl: the labelled requests the offline reader's
nearest-neighbour fallback learns from.

Only development data goes in: the dev split of corpus.jsonl and the later blind sets dev2..dev10
(each scored before the reader was tuned on it). The test split never does (it stays an honest
measure). Each example
keeps its text and the first tool it expects ("" when no tool should run).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "copilot" / "agent" / "understand" / "examples.jsonl"
SOURCES = ("corpus.jsonl", *(f"dev{i}.jsonl" for i in range(2, 11)))


def main() -> int:
    rows = []
    for name in SOURCES:
        for line in (HERE / name).read_text().splitlines():
            case = json.loads(line)
            if case.get("split", "dev") != "dev":
                continue
            tools = [e["tool"] for e in case["expect"]]
            rows.append({"text": case["text"], "tool": tools[0] if tools else ""})
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return len(rows)


if __name__ == "__main__":
    print(f"{main()} examples -> {OUT}")
