"""The ledger: idempotent, transactional writes and a tamper-evident audit chain."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from tools.account import account_jobs, totals
from tools.jobs import JobDataError
from tools.ledger import GENESIS_HASH, Ledger, LedgerError
from tools.schemas import GridSeries
from tools.simulate import SimulatedFleet

from .conftest import FixedClock


def store_fleet(ledger: Ledger, fleet: SimulatedFleet, **params: object):  # type: ignore[no-untyped-def]
    series = [*fleet.realised.values(), *fleet.forecast.values(),
              *fleet.electricity_prices.values()]
    return ledger.store_run("simulate", {**fleet.config.model_dump(mode="json"), **params},
                            jobs=fleet.jobs, series=series, telemetry=fleet.telemetry)


class TestIdempotentWrites:
    def test_same_simulation_twice_writes_once(self, ledger: Ledger,
                                               small_fleet: SimulatedFleet) -> None:
        first = store_fleet(ledger, small_fleet)
        counts = ledger.counts()
        second = store_fleet(ledger, small_fleet)
        assert first.created and not second.created
        assert first.id == second.id
        assert ledger.counts() == counts
        assert counts["jobs"] == len(small_fleet.jobs)
        assert counts["telemetry"] == len(small_fleet.telemetry)
        assert counts["audit_log"] == 1

    def test_account_same_inputs_once(self, ledger: Ledger, small_fleet: SimulatedFleet) -> None:
        run = store_fleet(ledger, small_fleet)
        emissions = account_jobs(small_fleet.jobs, small_fleet.realised)
        a = ledger.store_account(run.id, {"profile": "auto"}, emissions, totals(emissions))
        b = ledger.store_account(run.id, {"profile": "auto"}, emissions, totals(emissions))
        assert a.created and not b.created and a.id == b.id
        assert ledger.counts()["emissions"] == len(emissions)
        stored = ledger.load_emissions(a.id)
        assert stored["emissions_kg"].sum() == pytest.approx(emissions["emissions_kg"].sum())


class TestTransactions:
    def test_bad_jobs_write_nothing(self, ledger: Ledger, small_fleet: SimulatedFleet) -> None:
        before = ledger.counts()
        bad = small_fleet.jobs.copy()
        bad.loc[5, "utilisation"] = 2.0
        with pytest.raises(JobDataError, match="row 5"):
            ledger.store_run("simulate", {"x": 1}, jobs=bad, series=list(small_fleet.realised.values()))
        assert ledger.counts() == before

    def test_failure_mid_transaction_rolls_back(self, ledger: Ledger,
                                                small_fleet: SimulatedFleet) -> None:
        store_fleet(ledger, small_fleet)
        before = ledger.counts()
        # a second run reusing the same job ids fails after its run row was inserted
        with pytest.raises(LedgerError, match="already stored by another run"):
            ledger.store_run("simulate", {"different": True}, jobs=small_fleet.jobs,
                             series=list(small_fleet.forecast.values()))
        assert ledger.counts() == before
        assert ledger.verify_audit().ok


class TestRoundTrips:
    def test_jobs_and_series(self, ledger: Ledger, small_fleet: SimulatedFleet) -> None:
        run = store_fleet(ledger, small_fleet)
        jobs = ledger.load_jobs(run.id)
        pd.testing.assert_frame_equal(jobs, small_fleet.jobs.sort_values("job_id").reset_index(
            drop=True), check_dtype=False)
        grid = ledger.grid_for_jobs(jobs, run.id)
        for region, series in grid.items():
            assert series.content_hash() == small_fleet.realised[region].content_hash()
        forecast = ledger.grid_for_jobs(jobs, run.id, kind="forecast")
        assert forecast["us-east-1"] == small_fleet.forecast["us-east-1"]

    def test_telemetry(self, ledger: Ledger, small_fleet: SimulatedFleet) -> None:
        run = store_fleet(ledger, small_fleet)
        tele = ledger.load_telemetry(run.id)
        assert len(tele) == len(small_fleet.telemetry)
        assert tele["power_w"].sum() == pytest.approx(small_fleet.telemetry["power_w"].sum())

    def test_unknown_ids(self, ledger: Ledger) -> None:
        with pytest.raises(LedgerError, match="no run with run_id='nope'"):
            ledger.get_run("nope")
        with pytest.raises(LedgerError, match="no series"):
            ledger.load_series("nope")
        with pytest.raises(LedgerError, match="has no jobs"):
            ledger.load_jobs("nope")


class TestGridSelection:
    def test_imported_series_used_when_it_covers_the_jobs(self, ledger: Ledger,
                                                          small_fleet: SimulatedFleet) -> None:
        jobs = small_fleet.jobs[small_fleet.jobs.region == "eu-west-1"]
        ledger.store_run("simulate-jobs-only", {"n": 1}, jobs=jobs)
        with pytest.raises(LedgerError, match="no grid series stored"):
            ledger.grid_for_jobs(jobs)
        real = small_fleet.realised["eu-west-1"]
        imported = GridSeries(region="eu-west-1", basis="lifecycle", start_utc=real.start_utc,
                              step_minutes=60, values=[123.0] * len(real.values), source="csv")
        ledger.store_run("import-grid", {"file": "x.csv"}, series=[imported])
        assert ledger.grid_for_jobs(jobs)["eu-west-1"].values[0] == 123.0

    def test_series_that_does_not_cover_is_refused(self, ledger: Ledger,
                                                   small_fleet: SimulatedFleet) -> None:
        real = small_fleet.realised["eu-west-1"]
        short = GridSeries(region="eu-west-1", basis="lifecycle", start_utc=real.start_utc,
                           step_minutes=60, values=[1.0] * 5)
        ledger.store_run("import-grid", {"file": "short.csv"}, series=[short])
        jobs = small_fleet.jobs[small_fleet.jobs.region == "eu-west-1"]
        with pytest.raises(LedgerError, match="no realised grid series covers region 'eu-west-1'"):
            ledger.grid_for_jobs(jobs)


class TestAuditChain:
    @pytest.fixture
    def chained(self, ledger: Ledger) -> Ledger:
        for i in range(5):
            ledger.audit("test", f"s{i}", {"i": i})
        assert ledger.verify_audit().ok
        return ledger

    def test_chain_links(self, chained: Ledger) -> None:
        rows = list(chained.db.query("SELECT * FROM audit_log ORDER BY seq"))
        assert rows[0]["prev_hash"] == GENESIS_HASH
        assert all(b["prev_hash"] == a["row_hash"] for a, b in itertools.pairwise(rows))

    def test_edited_row_detected(self, chained: Ledger) -> None:
        chained.db.execute("UPDATE audit_log SET payload = '{\"i\":99}' WHERE seq = 3")
        report = chained.verify_audit()
        assert not report.ok
        assert any("seq 3: content was altered" in p for p in report.problems)

    def test_edited_row_with_recomputed_hash_detected(self, chained: Ledger) -> None:
        row = dict(next(iter(chained.db.query("SELECT * FROM audit_log WHERE seq = 2"))))
        row["payload"] = '{"i":42}'
        new_hash = Ledger._row_hash(row)
        chained.db.execute("UPDATE audit_log SET payload = ?, row_hash = ? WHERE seq = 2",
                           [row["payload"], new_hash])
        report = chained.verify_audit()
        assert not report.ok
        assert any("seq 3: prev_hash" in p for p in report.problems)

    def test_deleted_middle_row_detected(self, chained: Ledger) -> None:
        chained.db.execute("DELETE FROM audit_log WHERE seq = 2")
        problems = chained.verify_audit().problems
        assert any("seq 2 missing" in p for p in problems)

    def test_deleted_last_row_detected(self, chained: Ledger) -> None:
        chained.db.execute("DELETE FROM audit_log WHERE seq = 5")
        report = chained.verify_audit()
        assert not report.ok
        assert any("head hash" in p or "meta records 5" in p for p in report.problems)

    def test_chain_survives_reopen(self, tmp_path: Path) -> None:
        path = tmp_path / "l.sqlite"
        with Ledger(path, clock=FixedClock()) as a:
            a.audit("x", "1", {})
        clock = FixedClock()
        clock.now += timedelta(days=1)
        with Ledger(path, clock=clock) as b:
            b.audit("x", "2", {})
            report = b.verify_audit()
        assert report.ok and report.rows == 2
