"""The arguments of each tool call, read from the part of the request that belongs to the tool:
time against the world's clock, places, the ledger's teams, ids, prices, filters and limits. When a
required argument is missing, unknown, ambiguous or out of range, ``AskError`` carries the short
question to ask instead of guessing."""

from __future__ import annotations

import math
import re
from typing import Any

from copilot.agent.polarity import without_negated
from copilot.agent.understand import entities as ent
from copilot.agent.understand.places import find_places
from copilot.agent.understand.when import day_range, horizon_hours, week_of
from copilot.agent.understand.words import normalise
from copilot.agent.understand.world import LATEST_VERIFICATION, Call, World
from tools.regions import REGIONS

MAX_SIM_DAYS, MAX_FORECAST_H, MAX_PLAN_DAYS, MAX_LIMIT = 365, 168, 366, 50


def _known(regions: list[str]) -> str:
    return ", ".join(sorted(regions, key=str.lower))



class AskError(Exception):
    """A question back to the user instead of a guessed argument."""


def teams_in(seg: str, world: World) -> list[str]:
    found = ent.find_teams(seg, world.teams)
    if found.unknown and not found.teams:
        raise AskError(f"I don't know a team called '{found.unknown[0]}'. Teams in the ledger: "
                   f"{', '.join(world.teams)}. Which one did you mean?")
    return found.teams


def regions_in(seg: str) -> list[str]:
    places = find_places(seg)
    if places.unknown and not places.regions:
        raise AskError(f"'{places.unknown[0]}' is not a region I know. Known regions: {_known(list(REGIONS))}.")
    if places.ambiguous and not places.regions:
        name, candidates = next(iter(places.ambiguous.items()))
        raise AskError(f"'{name}' could mean {', '.join(candidates)}. Which region?")
    return places.regions


def emissions_args(seg: str, world: World) -> tuple[str, dict[str, Any]]:
    unsupported = re.search(r"\b(partition|namespace|project|node pool|queue|user|customer|cost cent(?:er|re))s?\b",
                            seg)
    if unsupported:
        raise AskError(f"Emissions are broken down by team, region, day or hour; I cannot filter by "
                        f"{unsupported.group(1)}. Which team or region do you mean?")
    args: dict[str, Any] = {}
    teams, regions = teams_in(seg, world), regions_in(seg)
    group = ent.group_by(seg)
    days = day_range(seg, world.now)
    if teams:
        args["team"] = teams[0]
    if regions:
        args["region"] = regions[0]
    if days:
        if days.start:
            args["start"] = days.start.isoformat()
        if days.end:
            args["end"] = days.end.isoformat()
    if group:
        args["group_by"] = group
    if not args:
        profile = ent.account_profile(seg) or (
            provider.group(1) if (provider := re.search(r"\b(aws|gcp|azure)\b", seg)) and not find_places(seg).regions
            else None)
        return "account", ({"profile": profile} if profile else {})
    args.setdefault("group_by", "region" if teams else "team")
    return "emissions", args


def forecast_args(seg: str, world: World, whole: str) -> list[dict[str, Any]]:
    regions = regions_in(seg) or regions_in(whole)
    if not regions:
        raise AskError(f"Which region should I forecast? Known regions: {_known(list(REGIONS))}.")
    args: dict[str, Any] = {}
    hours = horizon_hours(ent.without_models(seg))
    if hours is None and (bare_next := re.search(r"\bnext (\d{1,3})\b(?!\s*(?:days?|weeks?|d|w)\b)", seg)):
        hours = int(bare_next.group(1))  # "predict Dublin for the next 48"
    if hours is not None:
        if hours > MAX_FORECAST_H:
            raise AskError(f"I forecast at most {MAX_FORECAST_H} hours (7 days) ahead; shall I forecast "
                       f"{MAX_FORECAST_H} hours?")
        args["hours"] = max(1, hours)
    else:
        bare = re.search(r"(?<![\w.-])(\d{1,3})\s*$", seg.rstrip("?!. "))  # "fcst erco 24"
        if bare and 1 <= int(bare.group(1)) <= MAX_FORECAST_H:
            args["hours"] = int(bare.group(1))
    unsupported = re.search(r"\b(transformer|xgboost|arima|sarima|prophet|lightgbm|gbm|random forest|gpt\w*|llm)\b",
                            seg)
    if unsupported:
        raise AskError(f"There is no {unsupported.group(1)} forecaster here; the models are auto, ridge, "
                        f"persistence-24h, persistence-168h and lstm. Which one?")
    models = ent.forecast_models(seg)
    if len(regions) > 1 and len(models) == len(regions):  # "Ireland with lstm and Germany with ridge"
        return [{"region": r, **args, "model": m} for r, m in zip(regions, models, strict=True)]
    return [{"region": region, **args} | ({"model": model} if model else {})
            for region in regions for model in (models or [""])]


def _days(seg: str, most: int, too_long: str) -> dict[str, Any]:
    """``{"days": N}`` from a horizon in ``seg`` (hours round up to whole days), or a question back."""
    hours = horizon_hours(seg)
    if hours is None:
        return {}
    days = math.ceil(hours / 24)
    if days > most:
        raise AskError(too_long)
    return {"days": max(1, days)}


def _set(args: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    return args | ({key: value} if value is not None else {})


def _plan_args(seg: str) -> dict[str, Any]:
    args = _set({}, "solver", ent.solver(seg))
    args |= _days(seg, MAX_PLAN_DAYS, f"I plan at most {MAX_PLAN_DAYS} days at a time; how many days should I plan?")
    return _set(args, "carbon_price_usd_per_t", ent.carbon_price(seg))


def _simulate_args(seg: str) -> dict[str, Any]:
    args = _set({}, "jobs_per_day", ent.jobs_per_day(seg))
    args |= _days(seg, MAX_SIM_DAYS, f"A simulation covers at most {MAX_SIM_DAYS} days; shall I simulate "
                                     f"{MAX_SIM_DAYS} days?")
    return _set(args, "seed", ent.seed(seg))


def recommendation_args(seg: str, world: World) -> dict[str, Any]:
    args: dict[str, Any] = {}
    pid = ent.plan_id(seg) or next((i for _, i in ent.hex_ids(seg)), None)
    if pid:
        args["plan_id"] = pid
    status = ent.rec_status(seg)
    if status:
        args["status"] = status
    kind = ent.rec_kind(seg)
    if kind:
        args["kind"] = kind
    teams = teams_in(seg, world)
    if teams:
        args["team"] = teams[0]
    n = ent.limit(seg)
    if n is not None and n > MAX_LIMIT:
        raise AskError(f"I list at most {MAX_LIMIT} recommendations at a time; shall I show the top {MAX_LIMIT}?")
    args["limit"] = n or 10
    return args


def summary_args(seg: str, world: World) -> list[dict[str, Any]]:
    args: dict[str, Any] = {}
    week = week_of(seg, world.now)
    if week is None:
        days = day_range(seg, world.now)
        if days and days.start and days.end == days.start:
            from copilot.agent.understand.when import iso_week

            week = iso_week(days.start)
    if week:
        args["week"] = week
    teams = teams_in(seg, world)
    weeks = re.findall(r"(?<![\w-])(?:(\d{4})-?)?w(?:eek\s*|k\s*)?(\d{1,2})\b(?!\s*(?:days?|hours?))", seg)
    if len(weeks) > 1:
        year = world.now.isocalendar()[0]
        named = [f"{y or year}-W{int(w):02d}" for y, w in weeks if 1 <= int(w) <= 53]
        who: list[str | None] = list(teams) or [None]
        return [{"week": w} | ({"team": team} if team else {}) for w in named for team in who]
    return [args | {"team": team} for team in teams] or [args]


def _id_for(seg: str, whole: str, what: str) -> str:
    ids = ent.hex_ids(seg) or ent.hex_ids(whole)
    if ids:
        return ids[0][1]
    short = ent.truncated_id(whole)
    if short:
        raise AskError(f"'{short}' is too short for a {what} id (16 hex digits). Which {what} exactly?")
    raise AskError(f"Which {what}? Name its id (16 hex digits); `verify` lists the ones it checked.")


def calls_for(tool: str, seg: str, whole: str, world: World, carried: dict[str, Any]) -> list[Call]:
    """The calls ``tool`` makes for its part ``seg`` of the request ``whole``; the plan and verification
    ids they name are checked against the ledger when the world knows it (a question back otherwise)."""
    calls = _calls_for_tool(tool, seg, whole, world, carried)
    for call in calls:
        for key, wanted in (("plan_id", "plan"), ("verification_id", "verification")):
            value = call.args.get(key)
            if value and value != LATEST_VERIFICATION:
                try:
                    world.check_id(value, wanted)
                except ValueError as exc:
                    raise AskError(str(exc)) from None
    return calls


def _calls_for_tool(tool: str, seg: str, whole: str, world: World, carried: dict[str, Any]) -> list[Call]:
    if tool == "account":
        name, args = emissions_args(seg, world)  # "accounting for team ml last week" is a breakdown
        return [Call(name, args)]
    if tool == "emissions":
        asked = normalise(without_negated(seg)) if re.search(r"\b(?:don'?t|do not|no need|not)\b", seg) else seg
        name, args = emissions_args(asked or seg, world)
        return [Call(name, args)]
    if tool == "forecast":
        return [Call("forecast", a) for a in forecast_args(seg, world, whole)]
    if tool == "plan":
        return [Call("plan", _plan_args(seg))]
    if tool == "simulate":
        return [Call("simulate", _simulate_args(seg))]
    if tool == "recommendations":
        args = recommendation_args(seg, world)
        if "plan_id" in args:
            carried["plan_id"] = args["plan_id"]
        if "plan_id" not in args and carried.get("plan_id") and re.search(r"\b(?:it|its|them|that plan|this plan)\b",
                                                                         seg):
            args = {"plan_id": carried["plan_id"]} | args  # "execute plan X, then show me its recs"
        return [Call("recommendations", args)]
    if tool == "summary":
        return [Call("summary", a) for a in summary_args(seg, world)]
    if tool in ("execute", "verify"):
        ids = [i for _, i in ent.hex_ids(seg)]
        if len(ids) > 1 and re.search(r"\b(?:and|&)\b|,", seg):  # "execute A and B": one call per plan
            carried["plan_id"] = ids[-1]
            return [Call(tool, {"plan_id": i}) for i in ids]
        short = ent.truncated_id(seg)
        pid = ent.plan_id(seg) or next((i for _, i in ent.hex_ids(seg)), None)
        if short and not pid:
            raise AskError(f"'{short}' is too short for a plan id (16 hex digits). Which plan exactly?")
        pid = pid or carried.get("plan_id")
        if pid:
            carried["plan_id"] = pid
        if tool == "verify":
            carried["verified"] = True
        return [Call(tool, {"plan_id": pid} if pid else {})]
    if tool == "evidence":
        return [Call("evidence", {"verification_id": _id_for(seg, whole, "verification")})]
    if tool == "mint":
        if re.search(r"0x[0-9a-f]{6,}|\bto (?:my|our|the|this) (?:wallet|address)\b", whole) or re.search(
                r"\bmint\s+\d[\d.,]*\s*(?:k?g|t|kwh|tokens?|kgco2esave|kwhsave)", whole):
            raise AskError("Mint amounts are never chosen in chat: each mint is the verified lower bound of one "
                            "verification record, to the configured holder. Name a verification id to mint it.")
        plan = ent.plan_id(whole)
        vids = [i for _, i in (ent.hex_ids(seg) or ent.hex_ids(whole)) if i != plan]
        if vids:
            return [Call("mint", {"verification_id": vids[0]})]
        if re.search(r"\bverified\b|\bsavings?\b|\b(?:latest|last|newest|most recent) verification\b", whole):
            # "mint the latest verification": verify (idempotent) names the largest mintable one;
            # "mint the verified savings" / "mint everything verified": one approval for all of them
            first = [] if carried.get("verified") else [Call("verify", {"plan_id": carried["plan_id"]}
                                                               if carried.get("plan_id") else {})]
            one = re.search(r"\b(?:latest|last|newest|most recent|largest|biggest|single|one) verification\b", whole)
            if not one and re.search(r"\bsavings\b|\ball\b|\beverything\b|\bevery\b|\beach\b", whole):
                return [*first, Call("mint", {"all_mintable": True})]
            return [*first, Call("mint", {"verification_id": LATEST_VERIFICATION})]
        _id_for(seg, whole, "verification")
    return [Call(tool, {})]
