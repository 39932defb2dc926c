"""Words for a weekly summary: the LLM writes them (numbers guarded) or the template does (offline).

The guard's only source is the summary's own JSON (figures computed by ``tools.rollup.weekly``):
every figure of the LLM's text must be one of them, in its unit, with its sign and direction. A
draft that fails is sent back once with the reasons; a second failure gives the template, with
``note`` saying why the model's wording was withheld.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from copilot.agent.guard import WITHHELD_NOTE, check_numbers
from copilot.agent.llm import for_provider, make_chat_model
from copilot.agent.prompts import SUMMARY_PROMPT
from copilot.agent.render import render_summary
from copilot.services.storage import open_ledger, record_event
from copilot.services.summary import weekly_summary
from copilot.settings import LLMSettings


def write_summary(db_path: Path, *, week: str | None = None, team: str | None = None,
                  llm: LLMSettings | None = None, chat_model: BaseChatModel | None = None) -> dict[str, Any]:
    """Figures (deterministic) and text (LLM, checked by the numbers guard, else the template)."""
    with open_ledger(db_path) as ledger:
        figures = weekly_summary(ledger, week=week, team=team)
    settings = llm or LLMSettings.from_env()
    template = render_summary(figures)
    if chat_model is None and settings.provider == "offline":
        return {"summary": figures, "text": template, "mode": settings.label, "guard_events": []}
    model = chat_model or make_chat_model(settings)
    source = json.dumps(figures)
    events: list[dict[str, Any]] = []
    for attempt in range(2):
        note = "" if attempt == 0 else (" Your previous draft stated figures not in the JSON: "
                                        + events[-1]["why"] + ". Use only the JSON's figures (you may round"
                                        " them; keep their unit, sign and direction; compute no new ones).")
        messages = for_provider([SystemMessage(SUMMARY_PROMPT + note), HumanMessage(source)], settings.provider)
        text = str(model.invoke(messages).content)
        result = check_numbers(text, [source])
        if result.ok:
            return {"summary": figures, "text": text, "mode": settings.label, "guard_events": events}
        events.append({"unsupported": result.unsupported, "why": result.explain(), "retry": attempt == 0})
    record_event(db_path, "numbers-guard", figures["week"], {"summary": True, "events": events}, actor="copilot")
    return {"summary": figures, "text": template, "mode": settings.label, "guard_events": events,
            "note": WITHHELD_NOTE}
