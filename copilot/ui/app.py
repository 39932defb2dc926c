"""The web UI (Gradio Blocks): Chat, Dashboard, Policies, Ledger & token.

    python app.py ui [--host 127.0.0.1] [--port 7860]      (also `python app.py` and `make run`)

One ``CopilotSession`` (compiled graph + SQLite checkpointer) serves every browser session; each
browser session gets its own conversation thread id (a ``gr.State`` set when the page loads)
and its own chat history, so a pending mint approval is only ever shown to, and decided by, the
session whose thread is waiting. Events that write the ledger share one Gradio concurrency
group and run one at a time. Tabs live in ``chat``, ``dashboard``, ``policies`` and ``ledger``;
their data comes from ``copilot.services`` and ``turns`` (no Gradio there).
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry calls from a closed network

import gradio as gr

from copilot.agent.session import CopilotSession
from copilot.services.storage import open_ledger
from copilot.settings import LLMSettings, Settings
from copilot.ui.auth import password_check, who_label
from copilot.ui.chat import ChatContext, build_chat, init_thread
from copilot.ui.dashboard import DashboardData, build_dashboard
from copilot.ui.ledger import build_ledger
from copilot.ui.policies import build_policies

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
CSS = """
.mode-badge {display:inline-block; padding:2px 10px; border-radius:12px; font-size:0.85em; font-weight:600;}
.mode-badge.offline {background:#fff3cd; color:#7a5a00; border:1px solid #e0c36a;}
.mode-badge.llm {background:#d8f3dc; color:#1b5e20; border:1px solid #7cc48a;}
.approval-card {border:2px solid #e0a800; border-radius:10px; padding:8px; background:#fffdf5;}
#thread-id {font-size:0.85em; color:#666;}
"""


def mode_badge(llm: LLMSettings) -> str:
    """The LLM mode as an HTML badge ('offline mode ...' when no LLM is configured)."""
    kind = "offline" if llm.provider == "offline" else "llm"
    icon = "⚙" if kind == "offline" else "●"
    return f'<span id="mode-badge" class="mode-badge {kind}">{icon} {html.escape(llm.label)}</span>'


def seed(settings: Settings, db_path: Path) -> dict[str, Any] | None:
    """First start: simulate a fleet (14 days, seed 1) and account it when the ledger has none."""
    from copilot.services.dashboard import seed_if_empty

    with open_ledger(db_path) as ledger:
        return seed_if_empty(ledger)


def clock_label(db_path: Path) -> Any:
    """A callable giving the header's "as of" line (``copilot.services.clock``): the one time every
    relative period of the chat and the tabs is read against."""
    from copilot.services.clock import ledger_clock

    def label() -> str:
        with open_ledger(db_path) as ledger:
            return f"**{ledger_clock(ledger).label()}**"

    return label


def build_app(settings: Settings, db_path: Path, *, session: CopilotSession | None = None) -> gr.Blocks:
    """The Blocks app over the ledger at ``db_path``."""
    session = session or CopilotSession(settings, db_path)
    chat = ChatContext(session=session, settings=settings, db_path=db_path)
    dashboard = DashboardData(settings, db_path)
    with gr.Blocks(title="GreenOps Copilot", analytics_enabled=False) as demo:
        thread = gr.State("")
        with gr.Row(equal_height=True):
            gr.Markdown("## GreenOps Copilot — measure, plan, verify and tokenise compute savings")
            gr.HTML(mode_badge(session.llm))
        with gr.Row():
            thread_label = gr.Markdown(elem_id="thread-id")
            as_of = gr.Markdown(elem_id="as-of")
            who = gr.Markdown(elem_id="who")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat") as chat_tab:
                build_chat(chat, thread)
            with gr.Tab("Dashboard", id="dashboard") as dash_tab:
                dash_refresh, dash_outputs, tradeoff, tradeoff_outputs = build_dashboard(dashboard)
            with gr.Tab("Policies", id="policies") as policy_tab:
                policy_refresh, policy_output = build_policies(db_path)
            with gr.Tab("Ledger & token", id="ledger") as ledger_tab:
                ledger_refresh, ledger_outputs = build_ledger(db_path, settings)
        demo.load(init_thread, None, [thread, thread_label])
        demo.load(who_label(db_path), None, [who], api_visibility="private")
        clock = clock_label(db_path)
        demo.load(clock, None, [as_of], api_visibility="private")
        dash_tab.select(dash_refresh, None, dash_outputs).then(tradeoff, None, tradeoff_outputs)
        policy_tab.select(policy_refresh, None, policy_output)
        ledger_tab.select(ledger_refresh, None, ledger_outputs)
        for tab in (chat_tab, dash_tab, policy_tab, ledger_tab):  # a simulation in the chat moves the clock
            tab.select(clock, None, [as_of], api_visibility="private")
    demo.queue(default_concurrency_limit=4)
    return demo  # type: ignore[no-any-return]


def first_admin(db_path: Path) -> str | None:
    """With no users yet: create the first admin and return its one-time password (print it once)."""
    from copilot.services.users import bootstrap_admin

    with open_ledger(db_path) as ledger:
        return bootstrap_admin(ledger)


LOGIN_MESSAGE = ("GreenOps Copilot: log in. On the first start the terminal showed the one-time password of "
                 "'admin'; admins add people with `python app.py users add NAME --role ROLE --as admin "
                 "--password-stdin`.")


def launch(settings: Settings, db_path: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
           seed_fleet: bool = True, block: bool = True, quiet: bool = False) -> gr.Blocks:
    """Seed (first start), build and serve the app behind a login (the ledger's users); with
    ``block=False`` return at once (``demo.close()`` stops it); ``quiet`` keeps Gradio's banner off
    stdout. With no users yet, the first admin is created and its one-time password printed once."""
    password = first_admin(db_path)
    if password is not None:
        print(f"first start: created user 'admin' (role admin); one-time password, shown once: {password}",
              file=sys.stderr)
    if seed_fleet:
        seeded = seed(settings, db_path)
        if seeded:
            print(f"first start: simulated {seeded['jobs']} jobs over {seeded['days']} days (seed {seeded['seed']}), "
                  f"run {seeded['run_id']}; {seeded['total_kgco2e']:.1f} kgCO2e", file=sys.stderr)
    demo = build_app(settings, db_path)
    demo.launch(server_name=host, server_port=port, prevent_thread_lock=not block, show_error=True, quiet=quiet,
                ssr_mode=False, css=CSS, theme=gr.themes.Soft(primary_hue="green"), footer_links=[],
                auth=password_check(db_path), auth_message=LOGIN_MESSAGE)
    return demo
