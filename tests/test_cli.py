"""The CLI end to end: JSON on stdout, clear errors, nothing written on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from copilot.cli.main import app
from copilot.services.users import authenticate
from tools.account import account_jobs, totals
from tools.ledger import Ledger
from tools.simulate import SimulationConfig, simulate

from .conftest import REPO

runner = CliRunner()


def cli(*args: str, ok: bool = True) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.stderr + result.stdout
    else:
        assert result.exit_code == 1, result.stdout
    return json.loads(result.stdout) if "--json" in args else {"text": result.stdout,
                                                               "err": result.stderr}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


class TestSimulateAndAccount:
    def test_simulate_is_idempotent(self, db: str) -> None:
        first = cli("simulate", "--days", "2", "--seed", "4", "--jobs-per-day", "200",
                    "--db", db, "--json")
        assert first["created"] and first["regions"] == 5
        assert first["start"].startswith("2026-01-05") and first["end"].startswith("2026-01-07")
        counts = Ledger(db).counts()
        again = cli("simulate", "--days", "2", "--seed", "4", "--jobs-per-day", "200",
                    "--db", db, "--json")
        assert not again["created"] and again["run_id"] == first["run_id"]
        assert Ledger(db).counts() == counts

    def test_account_matches_the_tools(self, db: str) -> None:
        cli("simulate", "--days", "2", "--seed", "4", "--jobs-per-day", "200", "--db", db, "--json")
        out = cli("account", "--db", db, "--json")
        # independent path: simulate in memory and account without the ledger
        fleet = simulate(SimulationConfig(days=2, seed=4, jobs_per_day=200))
        expected = totals(account_jobs(fleet.jobs, fleet.realised))
        assert out["jobs"] == len(fleet.jobs)
        assert out["total_kgco2e"] == pytest.approx(expected["emissions_kg"], rel=1e-9)
        assert out["total_kwh"] == pytest.approx(expected["energy_kwh"], rel=1e-9)
        assert out["lower_kgco2e"] < out["total_kgco2e"] < out["upper_kgco2e"]
        for key in ("by_team", "by_region"):
            assert sum(g["kgco2e"] for g in out[key].values()) == pytest.approx(out["total_kgco2e"])
        assert set(out["by_region"]) == set(fleet.realised)

    def test_account_profile_seed_changes_energy(self, db: str) -> None:
        cli("simulate", "--days", "1", "--seed", "2", "--jobs-per-day", "100", "--db", db, "--json")
        auto = cli("account", "--db", db, "--json")
        seed = cli("account", "--profile", "seed", "--db", db, "--json")
        assert seed["account_id"] != auto["account_id"]
        assert seed["total_kwh"] != pytest.approx(auto["total_kwh"])

    def test_account_without_simulation_is_a_clear_error(self, db: str) -> None:
        out = cli("account", "--db", db, "--json", ok=False)
        assert "no simulation stored yet" in out["error"]

    def test_bad_profile(self, db: str) -> None:
        out = cli("account", "--profile", "ibm", "--db", db, "--json", ok=False)
        assert "--profile='ibm'" in out["error"]


class TestImportGrid:
    def test_bad_file_writes_nothing(self, db: str, tmp_path: Path) -> None:
        bad = tmp_path / "bad.csv"
        bad.write_text("timestamp,value\n2026-01-01T00:00Z,100\n2026-01-01T01:00Z,oops\n")
        before = Ledger(db).counts()
        out = cli("import-grid", str(bad), "--region", "DE", "--basis", "direct", "--db", db,
                  "--json", ok=False)
        assert "bad.csv line 3" in out["error"]
        assert Ledger(db).counts() == before

    def test_unknown_region(self, db: str, tmp_path: Path) -> None:
        good = tmp_path / "good.csv"
        good.write_text("timestamp,value\n2026-01-01T00:00Z,100\n2026-01-01T01:00Z,120\n")
        out = cli("import-grid", str(good), "--region", "Atlantis", "--basis", "direct",
                  "--db", db, "--json", ok=False)
        assert "'Atlantis' is not a known region" in out["error"]

    def test_generic_file_round_trip(self, db: str, tmp_path: Path) -> None:
        good = tmp_path / "good.csv"
        good.write_text("timestamp,value\n2026-01-01T00:00Z,100\n2026-01-01T00:30Z,200\n"
                        "2026-01-01T01:00Z,300\n2026-01-01T01:30Z,500\n")
        out = cli("import-grid", str(good), "--region", "GB", "--basis", "lifecycle",
                  "--db", db, "--json")
        assert out["values"] == 2 and out["mean_g_per_kwh"] == pytest.approx((150 + 400) / 2)
        again = cli("import-grid", str(good), "--region", "GB", "--basis", "lifecycle",
                    "--db", db, "--json")
        assert not again["created"]

    def test_committed_sample_file(self, db: str) -> None:
        sample = REPO / "data" / "sample_grid_eu-west-1.csv"
        values = [float(line.split(",")[1]) for line in sample.read_text().splitlines()[1:]]
        out = cli("import-grid", str(sample), "--region", "eu-west-1", "--basis", "lifecycle",
                  "--db", db, "--json")
        assert out["values"] == len(values) == 48
        assert out["mean_g_per_kwh"] == pytest.approx(sum(values) / len(values))

    @pytest.mark.realdata
    def test_real_lwa_year(self, db: str, real_data: Path) -> None:
        out = cli("import-grid", str(real_data / "lets-wait-awhile" / "gb_ci.csv"), "--region",
                  "GB", "--tz", "UTC", "--db", db, "--json")
        assert out["basis"] == "lifecycle" and out["kind"] == "realised"
        assert out["start"].startswith("2019-12-20") and out["values"] > 8700


class TestAuditAndReport:
    def test_audit_ok_then_tampered(self, db: str) -> None:
        cli("simulate", "--days", "1", "--seed", "2", "--jobs-per-day", "50", "--db", db, "--json")
        cli("account", "--db", db, "--json")
        clean = cli("audit", "--db", db, "--json")
        assert (clean["rows"], clean["ok"], clean["problems"], clean["tampered"]) == (2, True, [], [])
        assert clean["anchor"]["anchored"] is False  # nothing minted, so nothing anchored yet
        Ledger(db).db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
        out = cli("audit", "--db", db, "--json", ok=False)
        assert out["ok"] is False and "seq 1" in out["problems"][0]

    def test_report_writes_pngs(self, db: str, tmp_path: Path) -> None:
        cli("simulate", "--days", "1", "--seed", "2", "--jobs-per-day", "50", "--db", db, "--json")
        out = cli("report", "--out", str(tmp_path / "charts"), "--db", db, "--json")
        assert len(out["files"]) == 4
        for name in out["files"]:
            assert Path(name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_real_process_keeps_stdout_pure_json(tmp_path: Path) -> None:
    env = {**os.environ, "GREENOPS_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run(
        [sys.executable, "app.py", "simulate", "--days", "1", "--jobs-per-day", "50", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True)
    payload = json.loads(proc.stdout)
    assert payload["jobs"] > 0
    assert "simulating" in proc.stderr
    assert (tmp_path / "data" / "greenops.sqlite").exists()


def test_demo_runs_on_embedded_defaults(tmp_path: Path) -> None:
    env = {**os.environ, "GREENOPS_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "app.py", "demo", "--days", "2"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    assert "chain intact" in proc.stdout and "kgCO2e" in proc.stdout
    assert len(list((tmp_path / "data" / "report").glob("*.png"))) == 4


def _leaf_commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (Typer has its own click classes)
            out += _leaf_commands(command, f"{prefix}{name} ")
        else:
            out.append((f"{prefix}{name}", command))
    return out


def test_every_command_takes_db_and_json() -> None:
    """The README's promise, for every registered command (sub-commands included)."""
    import typer.main

    commands = _leaf_commands(typer.main.get_command(app))
    assert len(commands) >= 25
    missing = [(name, flag) for name, command in commands for flag in ("--db", "--json")
               if not any(flag in p.opts for p in command.params)]
    assert missing == []


def test_chain_down_takes_db(tmp_path: Path) -> None:
    env = {**os.environ, "GREENOPS_DATA_DIR": str(tmp_path / "data"), "GREENOPS_CHAIN_RPC_URL": ""}
    proc = subprocess.run([sys.executable, "app.py", "chain-down", "--db", str(tmp_path / "x.sqlite"), "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"stopped": False, "pid": None}


def test_demo_json_is_one_json_document(tmp_path: Path) -> None:
    env = {**os.environ, "GREENOPS_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "app.py", "demo", "--days", "2", "--json"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    steps = json.loads(proc.stdout)["steps"]
    assert steps[0].startswith("0. created the first admin 'admin'") and steps[1].startswith("1. simulated")
    assert "chain intact" in steps[-1]
    # the one-time password shown once is the admin's, and it is stored only as a hash
    password = steps[0].rsplit(": ", 1)[1]
    with Ledger(tmp_path / "data" / "greenops.sqlite") as ledger:
        assert authenticate(ledger, "admin", password).role == "admin"
        assert password not in json.dumps(list(ledger.db.query("SELECT * FROM users")))
        assert password not in json.dumps(list(ledger.db.query("SELECT * FROM audit_log")))


def test_ui_json_prints_where_it_serves(tmp_path: Path) -> None:
    from tools.chain.node import free_port

    port = free_port()
    env = {**os.environ, "GREENOPS_DATA_DIR": str(tmp_path / "data"), "GRADIO_ANALYTICS_ENABLED": "False",
           "GREENOPS_LLM_PROVIDER": "offline"}
    proc = subprocess.Popen([sys.executable, "app.py", "ui", "--port", str(port), "--no-seed", "--json"], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline()]  # the server is up when the JSON is printed
        while lines[-1] and not lines[-1].startswith("}"):
            lines.append(proc.stdout.readline())
        assert json.loads("".join(lines)) == {"url": f"http://127.0.0.1:{port}/",
                                              "db": str(tmp_path / "data" / "greenops.sqlite"),
                                              "mode": "offline mode (deterministic router, no LLM)"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
