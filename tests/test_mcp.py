"""The MCP server (``app.py mcp``) through the ``mcp`` SDK's own client, as an MCP host uses it.

Over stdio (the client spawns ``app.py mcp --db LEDGER``) on a verified ledger with an active policy,
and over streamable HTTP on loopback (``app.py mcp --transport http --json``, stopped after) on a
simulated ledger. Each transport runs one session in a module fixture that records every answer
(and, right after, what the same tools say in-process); the tests check the records. ``mint`` and
``execute`` must only open a pending approval that a person then decides: nothing is minted (no
``chain_mints`` row, the embedded chain node never started) or executed.
"""

from __future__ import annotations

import json
import os
import queue
import shlex
import subprocess
import sys
import threading
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, CallToolResult

from copilot.agent.context import ToolContext
from copilot.agent.enforce import check_call
from copilot.agent.prompts import SUMMARY_PROMPT
from copilot.agent.session import CopilotSession
from copilot.agent.toolset import make_tools
from copilot.services import approvals, ledger_view, planning
from copilot.services.fleet import run_simulation
from copilot.services.policies import active_policy_set, confirm_policy, load_policy
from copilot.services.users import AuthError, AuthUser
from copilot.settings import Settings
from tests.conftest import REPO, FixedClock, copy_with_users
from tools.auth import Role
from tools.chain.node import AnvilNode, free_port
from tools.ledger import Ledger
from tools.ledger.mints import list_mints
from tools.ledger.queries import mintable_verification_ids
from tools.ledger.views import audit_count, audit_rows
from tools.simulate import SimulationConfig

pytest_plugins = ["tests.chain_fixtures"]
PEOPLE = {"root": Role.ADMIN, "alice": Role.APPROVER, "olga": Role.OPERATOR}
POLICY = "The internal carbon price is 120 USD per tonne.\nOnly alice may approve mints.\n"
TOOLS = {"account", "emissions", "forecast", "plan", "recommendations", "verify", "evidence", "balances", "policy",
         "summary", "execute", "mint"}
TIMEOUT_S = 120  # a guard against a hung server only: every answer comes long before



def run_in_own_loop(fn: Any, *args: Any) -> None:
    """``anyio.run(fn, *args)`` in a thread of its own: the browser tests' Playwright (sync API, one per
    test session) keeps an event loop running in the main thread, where anyio.run would refuse."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mcp-client") as pool:
        pool.submit(anyio.run, fn, *args).result()

def password(name: str) -> str:
    return f"{name}-password-1"


def server_env(data: Path) -> dict[str, str]:
    """The server's GREENOPS settings: a private data dir, the offline model, the embedded chain on a
    free port (it must never start)."""
    return {"GREENOPS_DATA_DIR": str(data), "GREENOPS_LLM_PROVIDER": "offline", "GREENOPS_CHAIN_RPC_URL": "",
            "GREENOPS_CHAIN_PORT": str(free_port())}


@dataclass
class Served:
    """One server's ledger, settings, the answers it gave (by step) and the in-process expectations."""

    db: Path
    settings: Settings
    out: dict[str, Any] = field(default_factory=dict)
    expected: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def tools(self) -> dict[str, Any]:
        return make_tools(ToolContext(self.db, self.settings), active_policy=self.policy)

    def policy(self) -> Any:
        with Ledger(self.db) as ledger:
            return active_policy_set(ledger)


async def outcome(call: Awaitable[Any]) -> Any:
    """The answer, or the protocol error the client raised."""
    try:
        return await call
    except MCPError as exc:
        return exc


def text(result: CallToolResult) -> str:
    (content,) = result.content
    return str(content.text)  # type: ignore[union-attr]


def answer(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text(result)
    return dict(json.loads(text(result)))


# ---------------------------------------------------------------- stdio


async def stdio_session(served: Served, env: dict[str, str]) -> None:
    out, vid = served.out, served.ids["vid"]
    params = StdioServerParameters(command=sys.executable, args=["app.py", "mcp", "--db", str(served.db)], env=env,
                                   cwd=REPO)
    async with Client(params, read_timeout_seconds=TIMEOUT_S) as client:
        out["tools"] = (await client.list_tools()).tools
        calls: dict[str, tuple[str, dict[str, Any]]] = {
            "recommendations": ("recommendations", {"limit": 3}),
            "evidence": ("evidence", {"verification_id": vid}),
            "policy": ("policy", {}),
            "plan_price": ("plan", {"carbon_price_usd_per_t": 5}),
            "limit": ("recommendations", {"limit": 500}),
            "oversize": ("emissions", {"team": "x" * 2100}),
            "region": ("forecast", {"region": "mars"}),
            "forecast": ("forecast", {"region": "eu-west-1"}),
            "mint": ("mint", {"verification_id": vid}),
            "mint_again": ("mint", {"verification_id": vid}),
            "mint_amount": ("mint", {"verification_id": vid, "amount": 1000}),
            "mint_unknown": ("mint", {"verification_id": "deadbeefdeadbeef"}),
            "mint_nothing": ("mint", {}),
            "mint_batch": ("mint", {"all_mintable": True}),
            "execute": ("execute", {}),
            "nope": ("nope", {}),
            "simulate": ("simulate", {"days": 1}),
        }
        for step, (name, args) in calls.items():
            out[step] = await outcome(client.call_tool(name, args))
        out["resources"] = (await client.list_resources()).resources
        out["templates"] = (await client.list_resource_templates()).resource_templates
        for step, uri in {"r_policy": "greenops://policy/active", "r_plan": "greenops://plan/latest",
                          "r_evidence": f"greenops://verifications/{vid}/evidence",
                          "r_unknown": "greenops://verifications/deadbeefdeadbeef/evidence",
                          "r_malformed": "greenops://verifications/short/evidence",
                          "r_nowhere": "greenops://nowhere"}.items():
            out[step] = await outcome(client.read_resource(uri))
        out["prompts"] = (await client.list_prompts()).prompts
        for step, args in {"p_summary": {}, "p_team": {"team": "ml"}, "p_bad": {"week": "last week"}}.items():
            out[step] = await outcome(client.get_prompt("weekly_summary", args))


@pytest.fixture(scope="module")
def stdio(verified_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Served:
    """A verified ledger with users and an active policy, served over stdio once."""
    home = tmp_path_factory.mktemp("mcp-stdio")
    db = copy_with_users(verified_db, home / "ledger.sqlite", PEOPLE, password)
    with Ledger(db) as ledger:
        policy_id, _ = load_policy(ledger, POLICY, "mcp-test", actor="root")
        confirm_policy(ledger, policy_id, AuthUser("root", Role.ADMIN))
        vid = mintable_verification_ids(ledger, unminted_only=True)[0]
    env = server_env(home / "data")
    served = Served(db, Settings.from_env(env), ids={"vid": vid})
    run_in_own_loop(stdio_session, served, env)
    tools = served.tools()  # what the same tools say in-process, before any test decides anything
    with Ledger(db) as ledger:
        served.out["awaiting"] = ledger_view.awaiting(ledger)
    served.expected = {"recommendations": tools["recommendations"].invoke({"limit": 3}),
                       "evidence": tools["evidence"].invoke({"verification_id": vid}),
                       "policy": tools["policy"].invoke({}), "summary": tools["summary"].invoke({}),
                       "summary_ml": tools["summary"].invoke({"team": "ml"})}
    return served


def test_tools_are_listed_with_their_pydantic_schemas_and_descriptions(stdio: Served) -> None:
    listed = {t.name: t for t in stdio.out["tools"]}
    assert set(listed) == TOOLS  # simulate (it replaces the ledger's fleet) is not served
    for name, tool in stdio.tools().items():
        if name not in TOOLS:
            continue
        assert listed[name].input_schema == tool.args_schema.model_json_schema(), name
        assert listed[name].description.startswith(tool.description), name
    assert listed["mint"].input_schema["additionalProperties"] is False  # no amount, no recipient
    assert "pending approval" in listed["mint"].description and "pending approval" in listed["execute"].description
    assert listed["policy"].annotations.read_only_hint and not listed["plan"].annotations.read_only_hint


def test_read_tools_return_the_tools_own_json(stdio: Served) -> None:
    for step in ("recommendations", "evidence", "policy"):
        result = stdio.out[step]
        assert text(result) == stdio.expected[step], step
        assert result.structured_content == json.loads(stdio.expected[step])
    assert [c["sentence"] for c in answer(stdio.out["policy"])["constraints"]] == POLICY.strip().splitlines()


def test_governance_refuses_what_the_chat_refuses(stdio: Served) -> None:
    result = stdio.out["plan_price"]
    reason = check_call("plan", {"carbon_price_usd_per_t": 5}, stdio.tools(), stdio.policy())
    assert reason is not None and "fixes the carbon price at 120 USD/t" in reason
    assert result.is_error and text(result) == f"refused by governance: {reason}"
    with Ledger(stdio.db) as ledger:
        refused = [json.loads(r["payload"]) for r in audit_rows(ledger, action="governance-refused", limit=100)]
    assert {"tool": "plan", "args": {"carbon_price_usd_per_t": 5}, "reason": reason, "via": "mcp"} in refused


@pytest.mark.parametrize(("step", "says"), [
    ("limit", "refused by governance: invalid arguments (limit: Input should be less than or equal to 50)"),
    ("oversize", "refused by governance: the arguments of emissions are 2112 characters of JSON; the limit is 2000"),
    ("region", "refused by governance: invalid arguments (region: Value error, region='mars' is not a known"),
    ("mint_amount", "refused by governance: mint takes only a verification_id (or all_mintable)"),
    ("mint_unknown", "refused by governance: no verification with id 'deadbeefdeadbeef'"),
    ("mint_nothing", "give either verification_id or all_mintable=true"),
    ("execute", "has no proposed recommendation: nothing to execute"),
    ("forecast", "ForecastInputError: history too short"),  # the tool's own failure, not a crash
])
def test_bad_calls_are_tool_errors_with_the_reason(stdio: Served, step: str, says: str) -> None:
    result = stdio.out[step]
    assert isinstance(result, CallToolResult) and result.is_error
    assert says in text(result)


@pytest.mark.parametrize("name", ["nope", "simulate"])
def test_unknown_tools_are_protocol_errors(stdio: Served, name: str) -> None:
    error = stdio.out["nope" if name == "nope" else "simulate"]
    assert isinstance(error, MCPError) and error.error.code == INVALID_PARAMS
    assert f"unknown tool {name!r}" in error.error.message and "mint" in error.error.message


def test_a_mint_over_mcp_only_opens_an_approval(stdio: Served) -> None:
    vid = stdio.ids["vid"]
    first, again = answer(stdio.out["mint"]), answer(stdio.out["mint_again"])
    thread = first["thread_id"]
    assert thread.startswith("mcp-") and again["thread_id"] != thread and first["status"] == "pending_approval"
    request = first["request"]
    assert (request["type"], request["verification_id"], request["may_approve"]) == ("mint_approval", vid, ["alice"])
    with Ledger(stdio.db) as ledger:
        record = planning.verification_record(ledger, vid)
        assert list_mints(ledger) == []  # nothing minted
        assert audit_count(ledger, approvals.APPROVAL_REQUESTED) == 3  # two single cards and a batch
    assert request["evidence"]["mintable_kgco2e"] == record.mintable_kgco2e  # the stored figure, as stored
    assert AnvilNode(stdio.settings.data_dir / "chain").info() is None  # the chain node never started
    listed = {r["detail"].split(";")[0].rsplit(" ", 1)[-1]: r["subject"] for r in stdio.out["awaiting"]}
    assert {listed[first["thread_id"]], listed[again["thread_id"]]} == {vid}  # the Ledger tab's awaiting cards
    pending = CopilotSession(stdio.settings, stdio.db).pending(thread)
    assert pending is not None and (pending["type"], pending["verification_id"]) == ("mint_approval", vid)
    assert f"--thread {thread} --db {stdio.db.resolve()} --as NAME --password-stdin" in first["approve"]


def test_a_batch_mint_over_mcp_is_one_pending_approval(stdio: Served) -> None:
    out = answer(stdio.out["mint_batch"])
    with Ledger(stdio.db) as ledger:
        batch = approvals.mint_batch(ledger)
    request = out["request"]
    assert request["type"] == "mint_batch_approval" and request["count"] == batch["count"] > 1
    assert sorted(request["verification_ids"]) == sorted(i["verification_id"] for i in batch["items"])
    assert request["totals"] == batch["totals"]
    pending = CopilotSession(stdio.settings, stdio.db).pending(out["thread_id"])
    assert pending is not None and pending["type"] == "mint_batch_approval" and pending["count"] == batch["count"]


def test_resources_hold_the_policy_the_plan_and_an_evidence_chain(stdio: Served) -> None:
    uris = {str(r.uri) for r in stdio.out["resources"]}
    assert uris == {"greenops://policy/active", "greenops://plan/latest"}
    assert [t.uri_template for t in stdio.out["templates"]] == ["greenops://verifications/{verification_id}/evidence"]
    (policy,) = stdio.out["r_policy"].contents
    assert policy.mime_type == "application/json" and policy.text == stdio.expected["policy"]
    plan = json.loads(stdio.out["r_plan"].contents[0].text)
    recs = json.loads(stdio.expected["recommendations"])
    assert plan["plan"]["plan_id"] == recs["plan_id"] and plan["recommendations"]["matching"] == recs["matching"]
    evidence = json.loads(stdio.out["r_evidence"].contents[0].text)
    assert evidence["verification"] == json.loads(stdio.expected["evidence"])
    assert evidence["chain"]["recommendation"]["rec_id"] == evidence["verification"]["rec_id"]
    assert stdio.ids["vid"] in [v["verification_id"] for v in evidence["chain"]["verifications"]]


@pytest.mark.parametrize(("step", "says"), [
    ("r_unknown", "no verification with id 'deadbeefdeadbeef'"),
    ("r_malformed", "refused by governance: invalid arguments (verification_id: String should have at least 8"),
    ("r_nowhere", "Unknown resource: greenops://nowhere"),
])
def test_bad_resource_uris_are_protocol_errors(stdio: Served, step: str, says: str) -> None:
    error = stdio.out[step]
    assert isinstance(error, MCPError) and error.error.code == INVALID_PARAMS
    assert says in error.error.message


def test_the_weekly_summary_prompt_carries_the_summary_tools_figures(stdio: Served) -> None:
    (prompt,) = stdio.out["prompts"]
    assert prompt.name == "weekly_summary" and {a.name for a in prompt.arguments} == {"week", "team"}
    for step, expected in (("p_summary", "summary"), ("p_team", "summary_ml")):
        (message,) = stdio.out[step].messages
        words, figures = message.content.text.split("\n\nJSON:\n")
        assert words.startswith(SUMMARY_PROMPT) and figures == stdio.expected[expected]
    assert set(json.loads(stdio.expected["summary_ml"])["teams"]) == {"ml"}
    error = stdio.out["p_bad"]
    assert isinstance(error, MCPError) and "week: String should match pattern" in error.error.message


def test_a_person_rejects_the_request_with_the_returned_command(stdio: Served) -> None:
    """The "reject" command the mint returned, run as printed (the operator may not decide, alice may);
    a rejection starts no chain and mints nothing."""
    request = answer(stdio.out["mint_again"])
    session = CopilotSession(stdio.settings, stdio.db)
    with pytest.raises(AuthError, match="approver role"):
        session.decide(request["thread_id"], approved=False, user=AuthUser("olga", Role.OPERATOR))
    words = shlex.split(request["reject"])
    env_name, _, data_dir = words[0].partition("=")
    assert (env_name, Path(data_dir), words[1:3]) == ("GREENOPS_DATA_DIR", stdio.settings.data_dir.resolve(),
                                                     ["python", "app.py"])
    argv = [sys.executable, *words[2:]]
    argv[argv.index("NAME")] = "alice"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENOPS_")}
    env |= server_env(stdio.settings.data_dir) | {env_name: data_dir}
    proc = subprocess.run([*argv, "--json"], cwd=REPO, env=env, input=password("alice") + "\n",
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    assert proc.returncode == 0, proc.stderr
    (decided,) = json.loads(proc.stdout)["tools"]
    assert json.loads(decided["result"])["rejected"] is True and decided["name"] == "mint"
    assert session.pending(request["thread_id"]) is None
    assert AnvilNode(stdio.settings.data_dir / "chain").info() is None
    with Ledger(stdio.db) as ledger:
        assert list_mints(ledger) == []


# ---------------------------------------------------------------- streamable HTTP


def _lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


@dataclass
class Process:
    """The HTTP server's process and the JSON document it printed once serving."""

    proc: subprocess.Popen[str]
    ready: dict[str, Any]


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Process]]:
    """A simulated (not yet planned) ledger served over streamable HTTP on loopback, stopped after."""
    home = tmp_path_factory.mktemp("mcp-http")
    with Ledger(home / "simulated.sqlite", clock=FixedClock()) as ledger:
        run_simulation(ledger, SimulationConfig(days=2, seed=5, jobs_per_day=150), telemetry=False)
    db = copy_with_users(home / "simulated.sqlite", home / "ledger.sqlite", PEOPLE, password)
    env = server_env(home / "data")
    base = {k: v for k, v in os.environ.items() if not k.startswith("GREENOPS_")}
    proc = subprocess.Popen([sys.executable, "app.py", "mcp", "--transport", "http", "--host", "127.0.0.1",
                             "--port", str(free_port()), "--db", str(db), "--json"], cwd=REPO, env=base | env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    try:
        printed = ""
        while not printed.rstrip().endswith("}"):  # emit() prints one indented JSON document once serving
            printed += lines.get(timeout=TIMEOUT_S)
        yield Served(db, Settings.from_env(env)), Process(proc, json.loads(printed))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def http_session(served: Served, url: str) -> None:
    out = served.out
    async with Client(url, read_timeout_seconds=TIMEOUT_S) as client:
        out["tools"] = (await client.list_tools()).tools
        out["plan"] = await client.call_tool("plan", {"days": 2})
        out["proposed"] = await client.call_tool("recommendations", {"status": "proposed", "limit": 1})
        out["execute"] = await client.call_tool("execute", {})
        out["verify"] = await client.call_tool("verify", {})
        out["r_plan"] = await client.read_resource("greenops://plan/latest")
        out["nope"] = await outcome(client.call_tool("nope", {}))


@pytest.fixture(scope="module")
def http(http_server: tuple[Served, Process]) -> Served:
    served, process = http_server
    run_in_own_loop(http_session, served, process.ready["url"])
    return served


def test_http_serves_on_loopback_and_lists_the_same_tools(http: Served, http_server: tuple[Served, Process]) -> None:
    ready = http_server[1].ready
    assert ready["url"].startswith("http://127.0.0.1:") and ready["url"].endswith("/mcp")
    assert (ready["transport"], Path(ready["db"])) == ("http", http.db)
    assert {t.name for t in http.out["tools"]} == TOOLS
    error = http.out["nope"]
    assert isinstance(error, MCPError) and error.error.code == INVALID_PARAMS


def test_http_plans_and_verifies_through_the_tools(http: Served) -> None:
    plan, proposed = answer(http.out["plan"]), answer(http.out["proposed"])
    assert plan["recommendations"] == proposed["matching"] > 0 and proposed["plan_id"] == plan["plan_id"]
    assert answer(http.out["verify"])["plan_id"] == plan["plan_id"]
    assert answer(http.out["verify"])["verifications"] == 0  # nothing was executed
    assert json.loads(http.out["r_plan"].contents[0].text)["plan"]["plan_id"] == plan["plan_id"]


def test_http_execute_only_opens_an_approval_for_an_operator(http: Served) -> None:
    plan, out = answer(http.out["plan"]), answer(http.out["execute"])
    request = out["request"]
    assert (request["type"], request["plan_id"]) == ("execute_approval", plan["plan_id"])
    assert request["recommendations"] == plan["recommendations"]
    assert sorted(request["may_approve"]) == ["alice", "olga", "root"]
    with Ledger(http.db) as ledger:  # nothing executed: every recommendation is still proposed
        still = planning.list_recommendations(ledger, plan_id=plan["plan_id"], status="proposed")
    assert still["matching"] == plan["recommendations"]
    pending = CopilotSession(http.settings, http.db).pending(out["thread_id"])
    assert pending is not None and (pending["type"], pending["plan_id"]) == ("execute_approval", plan["plan_id"])


def test_stdio_refuses_json_output(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENOPS_")} | server_env(tmp_path / "data")
    proc = subprocess.run([sys.executable, "app.py", "mcp", "--json"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=TIMEOUT_S)
    assert proc.returncode == 1 and proc.stdout == "" and "stdout carries the protocol" in proc.stderr
