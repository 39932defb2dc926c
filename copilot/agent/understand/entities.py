"""Things a request names besides time and places: teams (from the ledger), plan and verification
ids, carbon prices, simulation rates and seeds, recommendation filters, solver and model choices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.agent.understand.words import NUMBER, number_value

COMMON_WORDS = frozenset({
    "data", "web", "platform", "research", "infra", "ops", "core", "search", "security", "finance",
    "analytics", "product", "design", "mobile", "backend", "frontend", "api", "app", "apps", "cloud",
    "storage", "network", "support", "sales", "marketing", "ai", "training", "batch", "service", "services"})
"""Team names that are also ordinary words: they name a team only with a team cue around them."""

_NOT_TEAMS = frozenset({"the", "a", "an", "our", "my", "your", "whole", "entire", "each", "every", "all",
                        "other", "this", "that", "which", "what", "any", "same", "per", "by", "one", "new",
                        "his", "her", "their", "its", "some", "no"})
_NOT_A_TEAM_NAME = (r"(?:report|reports|summary|summaries|emissions?|members?|names?|lead|leads?|by|per|level|"
                    r"leaderboard|breakdown|s|is|are|was|were|has|have|had|did|does|doing|do|with|that|emitted|"
                    r"emit|in|on|at|for|of|to|and|or|which|whose|each|entire|whole|single|best|worst|top|"
                    r"greenest|biggest|largest|every|my|our|your|their|a|an|the|this|that|what|new|own|same|scorecard"
                    r"|update|"
                    r"updates|digest|recap|overview|numbers|stats|performance|ranking|rankings|results|whole|"
                    r"entire|data-science|weekly|monthly|per-team|cross|please|pls|thanks|thx|now|only|too|also|again"
                    r"|instead|"
                    r"then|today|yesterday|last|this|next|first|wise|level|wide|members|spend|size|total|totals)")
_NOUNS_AFTER = (r"data|centres?|centers?|lakes?|pipelines?|sets?|science|warehouse|base|points?|"
                r"quality|purposes?|projects?|papers?|traffic|servers?|services?|apps?|pages?|sites?|requests?|"
                r"clusters?|tiers?|layers?|engineering|infra|ops|teams?|folks|people|group|squad|org|nodes?|"
                r"gpus?|cpus?|instances?|usage|intensity|to|with|about|grid|mix")
_WORDS_BEFORE = ("(?:the|some|more|enough|any|without|no|synthetic|realised|realized|actual|test|telemetry|"
                 "grid|real|metered|historical|latest|new|fake|mock|dummy|raw|our|my|your|this|that|training|input|"
                 "big|open|public|private|customer|user|personal|sensitive|all|good|bad|more|less|"
                 "outdated|old|fresh|past|current|clean|enough|carbon|energy|power|price|intensity|weather|usage)")
_NOT_TRAILING_TEAM = (
    r"(?:approval|board|review|now|today|tonight|yesterday|tomorrow|everyone|everything|all|me|us|them|it|this|that"
    r"|real|sure|fleet|regions?|days?|hours?|weeks?|months?|years?|teams?|example|instance|reference|comparison"
    r"|context|info|information|audit|auditors?|cfo|ceo|cto|management|leadership|execs?|executives?|standup|slides?"
    r"|deck|meeting|report|reporting|compliance|record|records|later|once|good|free|starters|each|every|both|whom"
    r"|which|what|whatever|anything|something|nothing|mine|yours|ours|planning|minting|verification|verifying"
    r"|execution|simulation|forecasting|accounting|tokens?|wallet|chain|policy|plan|plans|savings|emissions|grid"
    r"|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun"
    r"|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|christmas)")
"""Words that end "... for X" without naming a team ("for the board", "for approval")."""
_TEAM_NEXT = r"(?:team|teams|folks|people|group|squad|org|crew|guys)\b"


@dataclass
class TeamMentions:
    """Known teams named (in order) and team-like names the ledger does not know."""

    teams: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def find_teams(text: str, known: tuple[str, ...]) -> TeamMentions:
    """Teams in lower-cased ``text``. A team joined to other letters by a hyphen ("ml-infra") is not
    that team; "team X" / "X team" with an X the ledger does not know is reported as unknown."""
    out = TeamMentions()
    hits: list[tuple[int, str]] = []
    for team in known:
        name = re.escape(team.lower())
        bare = rf"(?<![\w-]){name}(?![\w]|-\w)"
        if team.lower() in COMMON_WORDS:
            # an ordinary word ("data", "web") names the team unless it is part of a noun phrase:
            # "synthetic data", "the data", "data centre", "realised data"
            for m in re.finditer(bare, text):
                before = re.search(r"([a-z]+)\W*$", text[:m.start()])
                after = text[m.end():]
                explicit = re.match(rf"(?:'s)?\s+{_TEAM_NEXT}", after) or re.search(r"\bteams?\s+['\"]?$",
                                                                                   text[:m.start()])
                owned = re.search(r"\b(?:our|my|your|their|its)\s+(?:[\w-]+\s+)?$", text[:m.start()])
                if explicit or not ((before and re.fullmatch(_WORDS_BEFORE, before.group(1)))
                                    or owned or re.match(rf"\s+(?:{_NOUNS_AFTER})\b", after)):
                    hits.append((m.start(), team))
        else:
            hits.extend((m.start(), team) for m in re.finditer(bare, text))
    if not hits:  # "reserch": one typo away from a team the ledger knows (names of five letters or more)
        from copilot.agent.understand.words import one_typo_apart

        for m in re.finditer(r"[a-z][a-z-]{4,}", text):
            hits.extend((m.start(), team) for team in known
                        if len(team) >= 5 and one_typo_apart(m.group(0), team.lower()))
    seen: set[str] = set()
    for _, team in sorted(hits):
        if team not in seen:
            seen.add(team)
            out.teams.append(team)
    lowered = {k.lower() for k in known}
    named = [m.group(1) for m in re.finditer(
        r"(?<![\w-])(?<!per )(?<!by )(?<!each )(?<!every )team\s+['\"]?([a-z][\w-]*)"
        r"(?=\s*(?:$|[?.!,;:)'\"]|and\b|last\b|this\b|yesterday\b|today\b|in\b|on\b|"
        r"for\b|by\b|per\b|since\b|from\b|please\b|pls\b))", text)]
    named += [m.group(1) for m in re.finditer(r"\b([a-z][\w-]*)\s+(?:team|squad|crew|tribe)\b", text)]
    trailing = re.search(r"\bfor\s+(?:the\s+)?([a-z][a-z-]{2,})\s*[?.!]*$", text)
    if trailing and not out.teams and trailing.group(1) not in lowered and not re.fullmatch(_NOT_TRAILING_TEAM,
                                                                                         trailing.group(1)):
        named.append(trailing.group(1))  # "show emissions for analytics": a team the ledger does not know
    for name in named:
        name = name.strip("'\"")
        if name and name not in lowered and name not in _NOT_TEAMS and name not in out.unknown \
                and not re.fullmatch(_NOT_A_TEAM_NAME, name):
            out.unknown.append(name)
    for m in re.finditer(r"(?<![\w-])([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?![\w-])", text):
        token = m.group(1)
        if token.split("-")[0] in lowered and token not in lowered and not re.fullmatch(r"[a-z]{2}-[a-z]+-\d+", token) \
                and token not in out.unknown:
            out.unknown.append(token)
    return out


HEX_ID = re.compile(r"(?<![0-9a-fx])([0-9a-f]{16})(?![0-9a-f])")
_SHORT_ID = re.compile(r"\b(?:plan|verification|id|evidence|mint|execute|verify|apply)\s+(?:id\s+|plan\s+)?"
                       r"(?!\d{1,3}[dhw]\b)([0-9a-f]{3,15})\b")


def hex_ids(text: str) -> list[tuple[int, str]]:
    """16-hex-digit ids with their positions."""
    return [(m.start(), m.group(1)) for m in HEX_ID.finditer(text)]


def truncated_id(text: str) -> str | None:
    """An id that is too short to be one (``plan 46e1b799``), to ask for the whole id."""
    for m in _SHORT_ID.finditer(text):
        token = m.group(1)
        if re.search(r"\d", token) and (re.search(r"[a-f]", token) or len(token) >= 4):
            return token
    return None


def plan_id(text: str) -> str | None:
    """A 16-hex id named as a plan ("plan <id>", "<id> plan")."""
    m = re.search(r"\bplan\s+(?:id\s+)?([0-9a-f]{16})\b|\b([0-9a-f]{16})\s+plan\b", text)
    return (m.group(1) or m.group(2)) if m else None


def carbon_price(text: str) -> float | None:
    """An internal carbon price in USD per tonne ("$80/tCO2", "150 dollars a tonne", "0.1 USD per kg",
    "zero carbon price")."""
    cents = re.search(r"(\d+(?:\.\d+)?)\s*(?:us\s*)?(?:cents?|¢)\s*(?:/|per|a|an)\s*(kg|kilo\w*|t|tonnes?|tons?)\b",
                      text)
    if cents:
        per_kg = cents.group(2).startswith("k")
        return float(cents.group(1)) / 100 * (1000.0 if per_kg else 1.0)
    if re.search(r"\b(?:priced|price|pricing)\s*(?:at|of|=|:)?\s*(?:zero|0)(?![.\d])|\(price 0\)"
                 r"|\bignor\w* (?:the )?carbon (?:cost|price)|\bno carbon (?:cost|price)\b", text):
        return 0.0
    if re.search(r"\b(?:zero|no|without a?)\s+carbon\s+price\b|\bcarbon price (?:of )?(?:zero|0)(?![.\d])", text):
        return 0.0
    money = rf"(?:\$|usd\s*|us\$)?\s*(?P<n>{NUMBER})\s*(?:\$|usd|dollars?|bucks)?"
    per = (r"\s*(?:/|per|a|an|each)\s*(?:metric\s+)?(?P<u>tonnes?|tons?|t|kg|kilo(?:gram)?s?|g|grams?)"
           r"(?:\s*(?:of\s+)?co2e?)?\b")
    for m in re.finditer(money + per, text):
        raw = m.group(0)
        if not re.search(r"\$|usd|dollar|bucks|carbon price|price", raw + text[max(0, m.start() - 30):m.start()]):
            continue
        value = number_value(m.group("n"))
        if value is None:
            continue
        unit = m.group("u")
        factor = 1000.0 if unit.startswith("k") else 1_000_000.0 if unit.startswith("g") else 1.0
        return value * factor
    before = re.search(rf"(?:\$\s*(?P<n>{NUMBER})|(?P<m>{NUMBER})\s*(?:usd|dollars?))\s+(?:internal\s+)?carbon"
                       rf"\s+price\b", text)
    if before:
        return number_value(before.group("n") or before.group("m"))
    stated = re.search(rf"\b(?:carbon\s+)?price(?:\s+of\s+carbon)?\s*(?:of|at|=|:)?\s*\$?\s*(?P<n>{NUMBER})\b"
                       rf"|\b(?:price|priced)\s+carbon\s+at\s+\$?(?P<m>{NUMBER})"
                       rf"|\bcarbon\s+(?:priced\s+)?at\s+\$?(?P<k>{NUMBER})\b", text)
    if stated:
        return number_value(stated.group("n") or stated.group("m") or stated.group("k"))
    return None


def jobs_per_day(text: str) -> float | None:
    """A simulated arrival rate ("5000 jobs per day", "1.5k jobs/day", "250 jobs a day")."""
    text = re.sub(r"\bseed\s*(?:=|:|of|number)?\s*\d+\b", " ", text)
    m = re.search(r"\bjobs?\s*(?:per|a|an|each|every|/)\s*day\s*(?:=|:|of)?\s*(?P<n>\d[\d.,]*\s*k?)\b"
                  r"|\bjobs?\s+(?P<m>\d[\d.,]*\s*k?)\s*(?:/|per|a|each)\s*day\b", text)
    daily = re.search(rf"(?P<n>{NUMBER})\s*jobs?\s+(?:daily|every day|each day|a day|per day)\b", text)
    if daily and not m:
        return number_value(daily.group("n"))
    if m and m.group("m"):
        return number_value(m.group("m"))
    if not m:
        m = re.search(rf"(?P<n>{NUMBER})\s*jobs?\s*(?:per|a|an|each|every|/)\s*day", text)
    return number_value(m.group("n")) if m else None


def seed(text: str) -> int | None:
    """A random seed ("seed 7", "seed=42", "with seed 11")."""
    m = re.search(r"\bseed\s*(?:=|:|of|number)?\s*(\d+)\b|\bre-?seed\b.{0,30}?\b(?:with|to|=|at)\s*(\d+)\b", text)
    if m and m.group(2):
        return int(m.group(2))
    return int(m.group(1)) if m else None


def limit(text: str) -> int | None:
    """How many items a list request wants ("top 5", "first 50 recs", "20 recommendations")."""
    if re.search(r"\b(?:single|one) (?:top |best |biggest |largest )?(?:recommendation|rec|suggestion)\b"
                 r"|\bthe (?:top|best|biggest|largest|first|leading) (?:recommendation|rec|suggestion|one)\b", text):
        return 1
    m = re.search(rf"\b(?:top|first|best|largest|biggest|up to|just|only|at most|max(?:imum)?|limit(?: to)?"
                  rf"|no more than|not more than|limit\s*[=:]|show(?: me)?)\s*({NUMBER})\b"
                  rf"(?!\s*(?:days?|hours?|weeks?|h|d))"
                  rf"|\b({NUMBER})\s+"
                  rf"(?:[\w-]+\s+){{0,2}}(?:recommendations|recs|suggestions|proposals|changes|of them|ideas|options"
                  rf"|candidates|opportunities)\b", text)
    if not m:
        return None
    value = number_value(m.group(1) or m.group(2))
    return int(value) if value and value >= 1 else None


_STATUSES = (
    ("proposed", r"\bproposed\b|waiting on a decision|undecided|\bon the table\b|waiting for (?:approval|sign-?off)"
                 r"|awaiting approval|pending|need(?:s)? approval"
                 r"|not (?:yet )?approved|open\b|unapproved|to be approved"),
    ("approved", r"\bapproved\b|greenlit|green-?lighted|signed off|\bok'?d\b|waiting to be executed"
                 r"|ready to (?:be )?execut|not yet executed"),
    ("executed", r"\b(?:got |been |were |was )?executed\b|\bapplied\b|\bimplemented\b|\bcarried out\b|\brolled out\b"
                 r"|\bdid (?:we|anyone|you) (?:already )?(?:execute|apply)\b"),
    ("rejected", r"\brejected\b|\bdeclined\b|\bturned down\b|\bvetoed\b|\bknocked back\b|\bshot down\b"),
    ("verified", r"\bverified\b|\bpassed verification\b|\bconfirmed savings\b"
                 r"|\bverifications?\s+(?:that\s+|have\s+|has\s+)?(?:passed|succeeded|held up)\b"
                 r"|\b(?:did|has|have)\s+the\s+verifier\s+(?:confirm|accept|pass)\w*\b|\bconfirmed by the verifier\b"),
    ("minted", r"\bminted\b|\btokeni[sz]ed\b"),
)


def rec_status(text: str) -> str | None:
    """A recommendation status a list request filters on."""
    for status, pattern in _STATUSES:
        if re.search(pattern, text):
            return status
    return None


def rec_kind(text: str) -> str | None:
    """A recommendation kind (shift, rightsize, power_cap) a list request filters on."""
    return _first(text, _KINDS)


def solver(text: str) -> str | None:
    """Exact (MILP via HiGHS) or greedy planner, when named."""
    return _first(text, _SOLVERS)


_MODELS = (
    ("lstm", r"\blstm\b|neural|deep learning|recurrent"),
    ("ridge", r"\bridge\b|linear regression|regression"),
    ("persistence-168h", r"persistence-?168|168h? persistence|weekly (?:persistence|baseline|naive)"
                         r"|same[- ]hour[- ]last[- ]week"
                         r"|last week'?s (?:same[- ]hour )?values|seasonal naive|week-ago"
                         r"|same[- ]hour[- ]a[- ]week[- ]ago"),
    ("persistence-24h", r"persistence-?24|24h? persistence|daily (?:persistence|baseline|naive)"
                        r"|same[- ]hour[- ]yesterday|day-ago"
                        r"|yesterday[- ]same[- ]hour|same hour (?:as |of )?yesterday|yesterday'?s values|persistence"
                        r"|same[- ]hour[- ]a[- ]day[- ]ago"),
    ("auto", r"\bauto(?:matic)?\s+model\b|\bmodel automatically\b|\bautomatically (?:pick|choose)"
             r"|\bmodel\s*(?:=|:)?\s*auto\b|\bbest model\b|\bauto\b"
             r"|\b(?:let|have) the (?:system|tool|copilot|app) (?:pick|choose|decide)\b|\b(?:whatever|any) model\b"),
)
_KINDS = (
    ("rightsize", r"right[- ]?siz|downsiz|over-?sized|over-?provision"),
    ("power_cap", r"power[- _]?cap|capping|\bcapped\b|power limit|throttl\w*|wattage"),
    ("shift", r"\bshifts?\b|\bshifting\b|\btime[- ]shift|\bmoves\b|\brelocat|\bdeferr?al"
              r"|\b(?:move|moved|moving|be moved)\b.{0,30}"
              r"\b(?:hours?|times?|slots?|regions?|places?|later|elsewhere)\b"),
)
_SOLVERS = (
    ("exact", r"\b(?:exact|exct|optimal|milp|mip|highs|integer program\w*|optimum|mixed[- ]integer|provabl\w*)\b"),
    ("greedy", r"\b(?:greed\w*|heuristic\w*|fast(?:er|est)?|quick(?:er|ly)?|rough)\b"),
)
_WHICH = r"\b(?:which|what|whichever)\s+(?:(?:of\s+)?(?:the|our|my)\s+)?"
_GROUPS = (
    ("hour", rf"\bhourly\b|\bhour of (?:the )?day\b|\bby the hour\b|\bhour-by-hour\b|{_WHICH}hours?\b"),
    ("day", rf"\bdaily\b|\bday by day\b|\bday-by-day\b|\beach day\b|{_WHICH}(?:days?|dates?)\b"),
    ("region", rf"{_WHICH}(?:cloud\s+)?(?:regions?|locations?|sites?|zones?|countr(?:y|ies)|data ?cent(?:er|re)s?"
               r"|places?|geograph\w*|grids?)\b|\bregions?\s+(?:emit|produce|pollute)\w*\s+(?:the\s+)?most\b"
               r"|\bmost\b.*\bregions?\b|\bregional\b"),
    ("team", rf"{_WHICH}(?:teams?|groups?|squads?)\b|\bteams?\s+(?:emit|produce|pollute)\w*\s+(?:the\s+)?most\b"
             r"|\bmost\b.*\bteams\b|\bleaderboard\b|\bwho\s+(?:emit|produce|pollute|burn)\w*\s+(?:the\s+)?most\b"),
)


def _first(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The value of the first row of ``table`` whose pattern is in ``text``."""
    return next((value for value, pattern in table if re.search(pattern, text)), None)


def without_models(text: str) -> str:
    """``text`` without the words naming a forecaster ("same-hour-a-week-ago" is not a horizon)."""
    for _, pattern in _MODELS:
        text = re.sub(pattern, " ", text)
    return text


def forecast_model(text: str) -> str | None:
    """The forecaster named (lstm, ridge, weekly or daily persistence, auto)."""
    return _first(text, _MODELS)


def forecast_models(text: str) -> list[str]:
    """Every forecaster named, in order ("compare ridge vs persistence-24h" -> two)."""
    parts = re.split(r"\b(?:vs\.?|versus|against|compared (?:to|with)|and|or)\b|,", text)
    found = [m for m in (forecast_model(p) for p in parts) if m]
    found = list(dict.fromkeys(found))
    if len(found) > 1:
        return found
    one = forecast_model(text)
    return [one] if one else []


def group_by(text: str) -> str | None:
    """How an emissions breakdown is grouped (team, region, day, hour)."""
    matches = list(re.finditer(
        r"\b(?:by|per|for each|each|across|split by|broken down by|grouped by)[\s-]+(team|region|day|hour|"
        r"teams|regions|days|hours|hr|hrs|zone|zones|cloud region|date)\b"
        r"|\b(team|region|day|hour)(?:\s+split\b|[- ]wise\b|[- ]by[- ](?:team|region|day|hour)\b)"
        r"|\b(?:by|per)\s+(locations?|sites?|geograph\w*|country|countries|data ?cent(?:er|re)s?)\b", text))
    corrected = re.search(r"\b(?:no wait|actually|sorry|i mean|rather|scratch that|make that)\b", text)
    m = (matches[-1] if corrected else matches[0]) if matches else None
    if m:
        word = (m.group(1) or m.group(2) or "region").rstrip("s")
        if m.group(3):
            word = "region"
        return {"zone": "region", "cloud region": "region", "date": "day", "hr": "hour"}.get(word, word)
    return _first(text, _GROUPS)


def account_profile(text: str) -> str | None:
    """The power profile an accounting request names ("with GCP's methodology", "azure profile")."""
    text = re.sub(r"\bamazon\b", "aws", re.sub(r"\bgoogle(?: cloud)?\b", "gcp", re.sub(r"\bmicrosoft\b", "azure",
                                                                                      text)))
    m = re.search(r"\b(aws|gcp|azure|seed|auto)(?:'s)?\b.{0,25}\b(?:profile|data|power model|methodology|method"
                  r"|coefficients|numbers|factors)\b|\b(?:profile|power model|methodology|method)\b.{0,15}"
                  r"\b(aws|gcp|azure|seed|auto)\b", text)
    if m:
        return m.group(1) or m.group(2)
    if re.search(r"\b(?:profile|power model)\b.{0,30}\b(?:automatic|by itself|on its own|itself)"
                 r"|\bautomatic\w*\b.{0,30}\bprofile\b", text):
        return "auto"
    return None
