"""The planner: hand-made cases, policy properties, exact vs greedy vs brute force, bad input."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tools.jobs import JobDataError
from tools.plan import PlanningError, PlanParams, make_plan
from tools.schemas import BlackoutWindow, PolicySet

from .plan_helpers import (
    T0,
    brute_force_objective,
    forecast,
    hourly_loads,
    job_energy,
    jobs,
    policy_violations,
)

NO_ENERGY = PlanParams(energy_recs=False, sla_penalty_usd_per_h=0.0)
DIP = [500.0, 500.0, 100.0, 500.0, 500.0, 500.0, 500.0, 500.0]  # one clean hour at 02:00


class TestHandMade:
    def test_moves_to_the_clean_hour_with_the_expected_saving(self) -> None:
        frame = jobs([{"duration_h": 1.0, "slack_h": 4.0}])
        plan = make_plan(frame, forecast({"us-east-1": DIP * 2}), params=NO_ENERGY)
        (rec,) = plan.recommendations
        assert rec.kind == "shift" and rec.to_start_utc == T0 + timedelta(hours=2)
        energy = job_energy(frame.iloc[0])
        assert rec.est_kgco2e_saved.central == pytest.approx(energy * 400 / 1000)
        assert rec.est_kwh_saved.central == rec.est_kwh_saved.lower == rec.est_kwh_saved.upper == 0
        assert rec.est_kgco2e_saved.lower < rec.est_kgco2e_saved.central < rec.est_kgco2e_saved.upper

    def test_moves_region_when_allowed_and_cleaner(self) -> None:
        frame = jobs([{"duration_h": 2.0, "slack_h": 0.0, "category": "balanced", "data_gb": 10}])
        fc = forecast({"us-east-1": [400.0] * 8, "eu-north-1": [30.0] * 8})
        # at 100 USD/t the carbon (~0.025 kg) is worth less than egress + the dearer region
        assert make_plan(frame, fc, params=NO_ENERGY).not_moved == {"j0": "no_better_slot"}
        dear = PlanParams(energy_recs=False, carbon_price_usd_per_t=20_000)
        (rec,) = make_plan(frame, fc, params=dear).recommendations
        assert rec.to_region == "eu-north-1"
        price_diff = (0.384 - 0.384 * 1.06) * 2  # m5.2xlarge us-east-1 vs eu-north-1, 2 h
        assert rec.est_usd_saved.central == pytest.approx(price_diff - 10 * 0.02)

    def test_residency_keeps_team_in_allowed_regions(self) -> None:
        frame = jobs([{"team": "data", "region": "eu-west-1", "slack_h": 0.0}])
        fc = forecast({"eu-west-1": [300.0] * 8, "us-west-2": [10.0] * 8, "eu-north-1": [30.0] * 8})
        policy = PolicySet(allowed_regions_by_team={"data": ["eu-west-1", "eu-north-1"]})
        dear = PlanParams(energy_recs=False, carbon_price_usd_per_t=20_000)
        plan = make_plan(frame, fc, policy, params=dear)
        assert plan.recommendations[0].to_region == "eu-north-1"

    def test_not_moved_reasons(self) -> None:
        frame = jobs([
            {"category": "urgent"},                                   # j0 urgent
            {"category": "balanced", "slack_h": 0.0},                  # j1 own window: nothing
            {"category": "sustainable", "slack_h": 5.0},              # j2 policy caps at 0 h
            {"category": "balanced", "slack_h": 3.0, "submit_h": 3},  # j3 flat after 03:00
        ])
        fc = forecast({"us-east-1": DIP * 2})
        policy = PolicySet(max_deferral_h_by_category={"sustainable": 0})
        plan = make_plan(frame, fc, policy, params=NO_ENERGY)
        assert plan.not_moved == {"j0": "urgent", "j1": "window", "j2": "policy",
                                  "j3": "no_better_slot"}
        assert plan.recommendations == []

    def test_blackout_window_is_avoided(self) -> None:
        frame = jobs([{"duration_h": 1.0, "slack_h": 4.0}])
        window = BlackoutWindow(start_utc=T0 + timedelta(hours=2), end_utc=T0 + timedelta(hours=3))
        plan = make_plan(frame, forecast({"us-east-1": DIP * 2}),
                         PolicySet(blackout_windows=[window]), params=NO_ENERGY)
        assert plan.not_moved == {"j0": "no_better_slot"}

    def test_plan_is_deterministic(self) -> None:
        frame = jobs([{"slack_h": 4.0}, {"slack_h": 2.0, "submit_h": 1}])
        fc = forecast({"us-east-1": DIP * 2})
        a, b = make_plan(frame, fc), make_plan(frame, fc)
        assert a.plan_id == b.plan_id
        assert a.recommendations == b.recommendations


class TestExact:
    def test_interruptible_job_is_split_across_clean_hours(self) -> None:
        values = [500.0, 100.0, 500.0, 100.0, 500.0, 500.0, 500.0, 500.0] * 2
        frame = jobs([{"duration_h": 2.0, "slack_h": 3.0, "interruptible": True}])
        fc = forecast({"us-east-1": values})
        greedy_plan = make_plan(frame, fc, params=NO_ENERGY)
        exact_plan = make_plan(frame, fc, solver="exact", params=NO_ENERGY)
        (rec,) = exact_plan.recommendations
        assert [(s.start_utc.hour, s.hours) for s in rec.segments] == [(1, 1.0), (3, 1.0)]
        assert exact_plan.objective_usd < greedy_plan.objective_usd
        energy = job_energy(frame.iloc[0])
        assert rec.est_kgco2e_saved.central == pytest.approx(energy * (300 - 100) / 1000)
        assert exact_plan.gap == pytest.approx(0.0, abs=1e-6)

    @pytest.mark.parametrize("seed", range(4))
    def test_exact_equals_brute_force_on_tiny_instances(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        fc = forecast({"us-east-1": list(rng.uniform(100, 600, 12)),
                       "eu-west-1": list(rng.uniform(100, 600, 12))})
        frame = jobs([{"duration_h": float(rng.choice([0.5, 1.0, 1.5, 2.0])),
                       "slack_h": float(rng.integers(0, 4)), "submit_h": float(rng.integers(0, 3)),
                       "vcpus": 64, "instance_type": "m5.16xlarge", "memory_gb": 256.0,
                       "data_gb": float(rng.uniform(0, 50)),
                       "region": str(rng.choice(["us-east-1", "eu-west-1"]))} for _ in range(3)])
        power = max(job_energy(j) / j["duration_h"] for _, j in frame.iterrows())
        policy = PolicySet(max_power_kw=1.5 * power, carbon_price_usd_per_t=200)
        params = PlanParams(energy_recs=False, exact_all_candidates=True, sla_penalty_usd_per_h=0.01)
        exact_plan = make_plan(frame, fc, policy, solver="exact", params=params)
        expected = brute_force_objective(frame, fc, policy, 200.0, 0.01)
        assert exact_plan.objective_usd == pytest.approx(expected, rel=1e-6)
        greedy_plan = make_plan(frame, fc, policy, params=params)
        assert greedy_plan.objective_usd >= expected - 1e-9

    @pytest.mark.parametrize("seed", range(5))
    def test_exact_never_worse_than_greedy_and_respects_the_cap(self, seed: int) -> None:
        rng = np.random.default_rng(100 + seed)
        fc = forecast({r: list(rng.uniform(50, 700, 48)) for r in ("us-east-1", "eu-west-1",
                                                                   "eu-north-1")})
        frame = jobs([{"duration_h": float(rng.uniform(0.25, 5)), "slack_h": float(rng.integers(0, 12)),
                       "submit_h": float(rng.uniform(0, 12)), "interruptible": bool(rng.random() < 0.3),
                       "category": str(rng.choice(["urgent", "balanced", "sustainable"])),
                       "region": str(rng.choice(["us-east-1", "eu-west-1"]))} for _ in range(25)])
        baseline_peak = max(hourly_loads(make_plan(frame, fc, PolicySet(max_deferral_h_by_category={
            "balanced": 0, "sustainable": 0}, default_allowed_regions=["us-east-1", "eu-west-1"]),
            params=NO_ENERGY), frame).values())
        policy = PolicySet(max_power_kw=0.8 * baseline_peak)
        greedy_plan = make_plan(frame, fc, policy, params=NO_ENERGY)
        exact_plan = make_plan(frame, fc, policy, solver="exact", params=NO_ENERGY)
        assert exact_plan.objective_usd <= greedy_plan.objective_usd + 1e-6
        if greedy_plan.power_cap_ok:
            assert exact_plan.power_cap_ok
        assert policy_violations(exact_plan, frame, policy) == []
        assert policy_violations(greedy_plan, frame, policy) == []
        if exact_plan.bound_usd is not None:
            assert exact_plan.bound_usd <= exact_plan.objective_usd + 1e-6


class TestCarbonBudget:
    fc = forecast({"us-east-1": [400.0] * 24, "eu-north-1": [30.0] * 24})

    def test_exact_meets_a_budget_greedy_only_reports(self) -> None:
        frame = jobs([{"slack_h": 0.0, "category": "balanced", "vcpus": 64,
                       "instance_type": "m5.16xlarge", "memory_gb": 256.0}])
        energy = job_energy(frame.iloc[0])
        policy = PolicySet(carbon_price_usd_per_t=0, carbon_budget_kg=energy * 100 / 1000,
                           carbon_budget_period="day")
        greedy_plan = make_plan(frame, self.fc, policy, params=NO_ENERGY)
        (period,) = greedy_plan.budget.values()
        assert not period["ok"] and greedy_plan.recommendations == []  # dearer region not chosen
        exact_plan = make_plan(frame, self.fc, policy, solver="exact", params=NO_ENERGY)
        (rec,) = exact_plan.recommendations
        assert rec.to_region == "eu-north-1"
        (period,) = exact_plan.budget.values()
        assert period["ok"] and period["planned_kgco2e"] == pytest.approx(energy * 30 / 1000)

    def test_impossible_budget_is_reported_not_hidden(self) -> None:
        frame = jobs([{"slack_h": 0.0, "category": "balanced"}])
        policy = PolicySet(carbon_budget_kg=0.0, carbon_budget_period="day")
        plan = make_plan(frame, self.fc, policy, solver="exact", params=NO_ENERGY)
        assert any("carbon budget cannot be met" in note for note in plan.notes)
        assert not next(iter(plan.budget.values()))["ok"]


class TestDecomposition:
    @pytest.mark.parametrize("seed", range(4))
    def test_independent_jobs_solved_per_job_match_the_milp(self, seed: int) -> None:
        rng = np.random.default_rng(200 + seed)
        fc = forecast({r: list(rng.uniform(50, 700, 60)) for r in ("us-east-1", "eu-west-1")})
        frame = jobs([{"duration_h": float(rng.uniform(0.5, 6)), "slack_h": float(rng.integers(0, 20)),
                       "submit_h": float(rng.uniform(0, 10)), "interruptible": bool(rng.random() < 0.6),
                       "region": str(rng.choice(["us-east-1", "eu-west-1"]))} for _ in range(30)])
        per_job = make_plan(frame, fc, solver="exact", params=NO_ENERGY)
        # a cap nobody reaches forces the coupled MILP path on the same problem
        milp = make_plan(frame, fc, PolicySet(max_power_kw=1e6), solver="exact", params=NO_ENERGY)
        assert per_job.gap == 0.0 and per_job.bound_usd == pytest.approx(per_job.objective_usd)
        assert per_job.objective_usd == pytest.approx(milp.objective_usd, rel=1e-7)
        assert per_job.objective_usd <= make_plan(frame, fc, params=NO_ENERGY).objective_usd + 1e-9


@st.composite
def instances(draw: st.DrawFn) -> tuple[pd.DataFrame, dict, PolicySet]:  # type: ignore[type-arg]
    regions = ["us-east-1", "eu-west-1", "eu-north-1"]
    values = {r: draw(st.lists(st.floats(20, 800), min_size=60, max_size=60)) for r in regions}
    n = draw(st.integers(1, 10))
    rows = []
    for _ in range(n):
        rows.append({
            "team": draw(st.sampled_from(["ml", "data", "web"])),
            "region": draw(st.sampled_from(regions)),
            "category": draw(st.sampled_from(["urgent", "balanced", "sustainable"])),
            "duration_h": draw(st.floats(0.1, 8)),
            "slack_h": draw(st.floats(0, 24)),
            "submit_h": draw(st.floats(0, 20)),
            "interruptible": draw(st.booleans()),
            "vcpus": draw(st.sampled_from([2, 8, 64])),
        })
    allowed = {team: draw(st.lists(st.sampled_from(regions), min_size=1, max_size=3, unique=True))
               for team in draw(st.lists(st.sampled_from(["ml", "data", "web"]), unique=True))}
    blackout = []
    if draw(st.booleans()):
        start = draw(st.integers(0, 30))
        blackout.append(BlackoutWindow(start_utc=T0 + timedelta(hours=start),
                                       end_utc=T0 + timedelta(hours=start + draw(st.integers(1, 6))),
                                       regions=draw(st.none() | st.lists(st.sampled_from(regions),
                                                                         min_size=1, unique=True))))
    policy = PolicySet(
        allowed_regions_by_team=allowed,
        max_deferral_h_by_category=draw(st.dictionaries(st.sampled_from(["balanced", "sustainable"]),
                                                        st.floats(0, 12))),
        urgent_never_moved=draw(st.booleans()),
        blackout_windows=blackout,
        max_power_kw=draw(st.none() | st.floats(0.05, 2.0)),
        carbon_price_usd_per_t=draw(st.floats(0, 500)))
    return jobs(rows), forecast(values), policy


class TestProperties:
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=instances())
    def test_greedy_never_breaks_a_policy_constraint(self, case: tuple) -> None:  # type: ignore[type-arg]
        frame, fc, policy = case
        plan = make_plan(frame, fc, policy, params=PlanParams(energy_recs=False))
        assert policy_violations(plan, frame, policy) == []
        assert set(plan.not_moved) | {r.job_id for r in plan.recommendations} == set(frame.job_id)
        for rec in plan.recommendations:
            assert rec.est_kwh_saved.central == 0  # shifts never save kWh
        if policy.max_power_kw is not None:
            caps = hourly_loads(plan, frame)
            over = any(kw > policy.max_power_kw + 1e-6 for kw in caps.values())
            assert over == (not plan.power_cap_ok)


class TestBadInput:
    def test_deadline_before_release(self) -> None:
        frame = jobs([{}])
        frame.loc[0, "deadline_utc"] = frame.loc[0, "submit_utc"] + timedelta(minutes=10)
        with pytest.raises(JobDataError, match=r"deadline_utc=.* is before submit_utc"):
            make_plan(frame, forecast({"us-east-1": DIP}))

    def test_unknown_region_in_policy(self) -> None:
        with pytest.raises(ValidationError, match="'eu-moon-1' is not a known region"):
            PolicySet(allowed_regions_by_team={"ml": ["eu-moon-1"]})

    def test_empty_forecast(self) -> None:
        with pytest.raises(PlanningError, match="no forecast series given"):
            make_plan(jobs([{}]), {})

    def test_realised_series_is_not_a_forecast(self) -> None:
        fc = forecast({"us-east-1": DIP})
        real = {"us-east-1": fc["us-east-1"].model_copy(update={"kind": "realised"})}
        with pytest.raises(PlanningError, match="kind='forecast'"):
            make_plan(jobs([{}]), real)

    def test_job_region_without_forecast(self) -> None:
        with pytest.raises(PlanningError, match=r"no forecast for the jobs' region\(s\) \['ap-south-1'\]"):
            make_plan(jobs([{"region": "ap-south-1"}]), forecast({"us-east-1": DIP}))

    def test_forecast_too_short_for_the_baseline(self) -> None:
        with pytest.raises(PlanningError, match="does not cover"):
            make_plan(jobs([{"submit_h": 7.5, "duration_h": 2}]), forecast({"us-east-1": DIP}))

    def test_unknown_solver(self) -> None:
        with pytest.raises(PlanningError, match="solver='magic'"):
            make_plan(jobs([{}]), forecast({"us-east-1": DIP}), solver="magic")  # type: ignore[arg-type]

    def test_no_jobs(self) -> None:
        with pytest.raises(PlanningError, match="no jobs"):
            make_plan(jobs([{}]).iloc[0:0], forecast({"us-east-1": DIP}))
