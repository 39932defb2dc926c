"""Executor and verifier: hand-computed savings, evidence hashes, conservative minting."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest
from pydantic import ValidationError

from tools.plan import ticket_markdown
from tools.records import ZERO, Execution, Interval, Recommendation, Segment, Verification
from tools.simulate.execute import ExecutionParams, execute
from tools.verify import VerificationError, VerifyParams, recompute_evidence_hash, verify

from .plan_helpers import T0, jobs, realised

GRID = {"us-east-1": [400.0, 400.0, 100.0, 100.0, 300.0, 300.0, 300.0, 300.0],
        "eu-north-1": [30.0] * 8}


def shift_rec(**over: object) -> Recommendation:
    args: dict[str, object] = dict(
        rec_id="r1", plan_id="p1", kind="shift", job_id="j0", team="ml", from_region="us-east-1",
        from_start_utc=T0, to_region="us-east-1", to_start_utc=T0 + timedelta(hours=2),
        segments=[Segment(region="us-east-1", start_utc=T0 + timedelta(hours=2), hours=1.0)],
        from_instance_type="m5.2xlarge", to_instance_type="m5.2xlarge",
        est_kgco2e_saved=Interval.around(3.2, 1.0), est_usd_saved=Interval.point(0.0),
        est_kwh_saved=ZERO, reason="test")
    args.update(over)
    return Recommendation(**args)  # type: ignore[arg-type]


def execution(**over: object) -> Execution:
    args: dict[str, object] = dict(
        exec_id="e1", plan_id="p1", job_id="j0", rec_ids=["r1"],
        segments=[Segment(region="us-east-1", start_utc=T0 + timedelta(hours=2), hours=1.0)],
        duration_h=1.0, instance_type="m5.2xlarge", vcpus=8, memory_gb=32.0, gpus=0,
        utilisation=0.5, metered_kwh=10.0, seed=0)
    args.update(over)
    return Execution(**args)  # type: ignore[arg-type]


JOB = jobs([{"duration_h": 1.0}]).iloc[0]


class TestShiftArithmetic:
    def test_hand_computed_saving_and_interval(self) -> None:
        v = verify(shift_rec(), execution(), JOB, realised(GRID))
        # counterfactual: 10 kWh x 400 g (hour 0); actual: 10 kWh x 100 g (hour 2)
        assert v.counterfactual_kgco2e == pytest.approx(4.0)
        assert v.actual_kgco2e == pytest.approx(1.0)
        assert v.saved_kgco2e.central == pytest.approx(3.0)
        half = math.hypot(0.02 * 3.0, 10 * 0.05 * math.hypot(400, 100) / 1000)
        assert v.saved_kgco2e.lower == pytest.approx(3.0 - half)
        assert v.mintable_kgco2e == pytest.approx(3.0 - half)
        assert v.claimed_kgco2e == 3.2
        assert v.saved_kwh == ZERO and v.mintable_kwh == 0.0

    def test_region_move_and_split_pieces(self) -> None:
        segs = [Segment(region="eu-north-1", start_utc=T0 + timedelta(hours=1), hours=0.5),
                Segment(region="eu-north-1", start_utc=T0 + timedelta(hours=4), hours=0.5)]
        rec = shift_rec(to_region="eu-north-1", segments=segs)
        v = verify(rec, execution(segments=segs), JOB, realised(GRID))
        assert v.saved_kgco2e.central == pytest.approx(10 * (400 - 30) / 1000)
        assert set(v.inputs) == {"recommendation", "execution", "job", "realised:eu-north-1",
                                 "realised:us-east-1"}

    def test_shift_that_backfired_mints_nothing(self) -> None:
        late = [Segment(region="us-east-1", start_utc=T0 + timedelta(hours=4), hours=1.0)]
        rec = shift_rec(from_start_utc=T0 + timedelta(hours=2), segments=late)
        job = JOB.copy()
        job["start_utc"] = pd.Timestamp(T0 + timedelta(hours=2))  # submitted for 02:00
        v = verify(rec, execution(segments=late), job, realised(GRID))
        assert v.saved_kgco2e.central == pytest.approx(10 * (100 - 300) / 1000)
        assert v.mintable_kgco2e == 0.0

    def test_the_baseline_is_the_schedule_as_submitted(self) -> None:
        """A recommendation that claims another starting point than the stored job is refused."""
        for other in (shift_rec(from_start_utc=T0 + timedelta(hours=2)), shift_rec(from_region="eu-west-1")):
            with pytest.raises(VerificationError, match="the baseline is the schedule as submitted"):
                verify(other, execution(), JOB, realised(GRID))

    def test_a_shift_can_never_carry_kwh(self) -> None:
        v = verify(shift_rec(), execution(), JOB, realised(GRID))
        body = v.model_dump()
        body["saved_kwh"] = {"central": 1.0, "lower": 0.5, "upper": 1.5}
        with pytest.raises(ValidationError, match="shift yields kgCO2e only"):
            Verification(**body)
        with pytest.raises(ValidationError, match="est_kwh_saved must be 0"):
            shift_rec(est_kwh_saved=Interval.point(1.0))

    def test_mintable_must_be_the_lower_bound(self) -> None:
        body = verify(shift_rec(), execution(), JOB, realised(GRID)).model_dump()
        body["mintable_kgco2e"] = body["saved_kgco2e"]["central"]
        with pytest.raises(ValidationError, match="lower bound"):
            Verification(**body)


class TestEnergyArithmetic:
    def test_rightsizing_calibrated_counterfactual(self) -> None:
        job = jobs([{"vcpus": 8, "memory_gb": 32.0, "utilisation": 0.2, "duration_h": 2.0}]).iloc[0]
        rec = shift_rec(kind="rightsize", segments=[], to_instance_type="m5.large",
                        est_kwh_saved=Interval.around(0.05, 0.01),
                        est_kgco2e_saved=Interval.around(0.01, 0.002))
        seg = [Segment(region="us-east-1", start_utc=T0, hours=2.0)]
        ex = execution(segments=seg, duration_h=2.0, instance_type="m5.large", vcpus=2,
                       memory_gb=8.0, utilisation=0.8, metered_kwh=0.02)
        v = verify(rec, ex, job, realised(GRID))

        def ccf(vcpus: float, u: float, mem: float) -> float:  # AWS, 2 h, kWh
            return (vcpus * (0.74 + u * (3.5 - 0.74)) / 1000 + mem * 0.000392) * 2.0 * 1.135

        model_act, model_cf = ccf(2, 0.8, 8), ccf(8, 0.2, 32)
        expected_kwh = 0.02 * (model_cf / model_act - 1)
        assert v.saved_kwh.central == pytest.approx(expected_kwh)
        assert v.saved_kwh.lower == pytest.approx(expected_kwh * (1 - math.hypot(0.2, 0.02)))
        assert v.mintable_kwh == pytest.approx(v.saved_kwh.lower)
        assert v.saved_kgco2e.central == pytest.approx(expected_kwh * 400 / 1000)
        assert v.counterfactual_kwh - v.actual_kwh == pytest.approx(expected_kwh)


class TestEvidence:
    def test_same_inputs_same_hash(self) -> None:
        a = verify(shift_rec(), execution(), JOB, realised(GRID))
        b = verify(shift_rec(), execution(), JOB, realised(GRID))
        assert a.evidence_hash == b.evidence_hash and a.verification_id == b.verification_id
        assert a.evidence_hash.startswith("0x") and len(a.evidence_hash) == 66
        assert recompute_evidence_hash(a) == a.evidence_hash

    @pytest.mark.parametrize("change", ["series", "execution", "job", "rec", "params"])
    def test_any_input_change_changes_the_hash(self, change: str) -> None:
        base = verify(shift_rec(), execution(), JOB, realised(GRID))
        rec, ex, job, grid, params = shift_rec(), execution(), JOB.copy(), dict(GRID), VerifyParams()
        if change == "series":
            grid["us-east-1"] = [*GRID["us-east-1"][:6], 301.0, 300.0]  # outside the used hours
        elif change == "execution":
            ex = execution(metered_kwh=10.001)
        elif change == "job":
            job["data_gb"] = 1.0
        elif change == "rec":
            rec = shift_rec(reason="another reason")
        else:
            params = VerifyParams(factor_rel=0.06)
        other = verify(rec, ex, job, realised(grid), params)
        assert other.evidence_hash != base.evidence_hash

    def test_tampered_record_is_detected(self) -> None:
        v = verify(shift_rec(), execution(), JOB, realised(GRID))
        body = v.model_dump()
        body["counterfactual_kgco2e"] = 5.0
        assert recompute_evidence_hash(Verification(**body)) != v.evidence_hash


class TestRefusals:
    def test_realised_data_must_cover_the_run(self) -> None:
        late = [Segment(region="us-east-1", start_utc=T0 + timedelta(hours=7, minutes=30), hours=1.0)]
        with pytest.raises(VerificationError, match="does not cover"):
            verify(shift_rec(segments=late), execution(segments=late), JOB, realised(GRID))

    def test_forecast_is_not_evidence(self) -> None:
        grid = realised(GRID)
        grid["us-east-1"] = grid["us-east-1"].model_copy(update={"kind": "forecast"})
        with pytest.raises(VerificationError, match="needs realised data"):
            verify(shift_rec(), execution(), JOB, grid)

    def test_execution_must_have_applied_the_rec(self) -> None:
        with pytest.raises(VerificationError, match="did not apply"):
            verify(shift_rec(), execution(rec_ids=["other"]), JOB, realised(GRID))

    def test_missing_region(self) -> None:
        with pytest.raises(VerificationError, match="no realised grid series for region 'us-east-1'"):
            verify(shift_rec(), execution(), JOB, realised({"eu-north-1": [1.0] * 8}))


class TestExecutor:
    def test_deterministic_and_noisy(self) -> None:
        frame = jobs([{"duration_h": 1.0}, {"duration_h": 2.0, "submit_h": 1}])
        recs = [shift_rec(), shift_rec(rec_id="r2", job_id="j1", from_start_utc=T0 + timedelta(hours=1))]
        a = execute(recs, frame, ExecutionParams(seed=3))
        b = execute(list(reversed(recs)), frame, ExecutionParams(seed=3))
        c = execute(recs, frame, ExecutionParams(seed=4))
        assert a == b
        assert a != c
        assert a[0].duration_h != 1.0 and a[0].duration_h == pytest.approx(1.0, rel=0.3)

    def test_rightsize_and_cap_applied(self) -> None:
        frame = jobs([{"vcpus": 8, "utilisation": 0.2},
                      {"instance_type": "p3.2xlarge", "gpus": 1, "vcpus": 8, "memory_gb": 61.0,
                       "utilisation": 0.9, "duration_h": 4.0}])
        rs = shift_rec(kind="rightsize", segments=[], to_instance_type="m5.large",
                       est_kwh_saved=Interval.point(0.01))
        cap = shift_rec(rec_id="r2", job_id="j1", kind="power_cap", segments=[], gpu_cap_w=210.0,
                        slowdown=1.07, from_instance_type="p3.2xlarge", to_instance_type="p3.2xlarge",
                        est_kwh_saved=Interval.point(0.2))
        e_rs, e_cap = execute([rs, cap], frame, ExecutionParams(runtime_noise=0, utilisation_noise=0,
                                                               meter_noise=0))
        assert (e_rs.vcpus, e_rs.instance_type, e_rs.utilisation) == (2, "m5.large", pytest.approx(0.8))
        draw = 35 + 0.9 * 265
        assert e_cap.slowdown == pytest.approx(((draw - 35) / (210 - 35)) ** (1 / 3))
        assert e_cap.duration_h == pytest.approx(4.0 * e_cap.slowdown)

    def test_conflicting_recs_refused(self) -> None:
        with pytest.raises(ValueError, match="more than one"):
            execute([shift_rec(), shift_rec(rec_id="r9")], jobs([{}]))
        with pytest.raises(ValueError, match="unknown job_id"):
            execute([shift_rec(job_id="nope")], jobs([{}]))

    def test_ticket_has_what_why_saving_rollback(self) -> None:
        md = ticket_markdown(shift_rec())
        for part in ("**What:**", "**Why:**", "**Expected saving (90% interval):**", "**Rollback:**",
                     "3.200 [2.200 .. 4.200] kgCO2e", "j0"):
            assert part in md
