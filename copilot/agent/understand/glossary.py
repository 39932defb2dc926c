"""Plain answers to "what is ...?" questions about the copilot's own terms (no tool runs)."""

from __future__ import annotations

import re

DEFINE = re.compile(
    r"^(?:so,?\s+|and\s+|ok,?\s+)?(?:(?:can|could) you (?:please )?|please )?(?:"
    r"(?:explain|tell me)\s+what\b.{1,40}\b(?:means?|is|does|do)\b|.*\bmeaning of\b|"
    r".*\b(?:parameter|setting|option|field|flag|knob|column|metric)\b.{0,30}\b(?:doing|do|mean|for)\b|"
    r"(?:is|are)\b.{1,40}\b(?:the same as|the same thing as|different from|like)\b|"
    r"(?:what(?:'s| is| are)|whats)\s+(?:an?)\s+[\w\s%/.-]{1,40}\??$"
    r"|what does\b.{1,60}\b(?:mean|measure|stand for|represent)\b"
    r"|how (?:does|do|is|are|can)\b.{1,60}\b(?:work|calculated|computed|measured|derived|estimated|decided|"
    r"chosen|made|counted|decide|choose|pick|determine|know|select|compute|estimate|calculate|work out|attribute"
    r"|allocate|assign|split|apportion)\b"
    r"|what(?:'s| is) (?:scope \d|embodied|operational|location-based|market-based|marginal|average)\b"
    r"|why (?:does|do|would|is|are|should|must)\b(?!.*\b(?:yesterday|today|last|this) (?:week|month)?)"
    r"|.*\bdifference between\b|.*\bused for\b|.*\bwhat'?s the difference\b"
    r"|how (?:does|do|would|will)\b.{1,60}\b(?:change|affect|influence|impact)\b"
    r"|what(?:'s| is) the [\w\s-]{1,40}\b(?:method|methodology|protocol|standard|approach|definition|formula)\b"
    r"|is\b.{1,60}\b(?:better|worse|more \w+|less \w+|cheaper|greener) than\b"
    r"|.*\bwhat \w+(?: \w+)? means\b|how (?:is|are)\b.{1,40}\bdifferent\b"
    r"|what(?:'s| is) [\w\s-]{1,40} vs\.? [\w\s-]{1,40}\??$|what does (?!.*\bplan\b)[\w\s-]{1,40} do\b"
    r"|is an? [\w\s-]{1,30}\ban? [\w\s-]{1,30}\??$"
    r"|(?:explain|define|tell me about|what can you do|what do you do|help\b|how do i use)"
    r"|.*\b(?:scope [123]|ghg protocol|location-based|market-based)\b.*\?$"
    r"|(?!.*\b(?:our|my|total|last|this|yesterday|today|since|week|month|team|region|ml|data|web|platform|research)\b)"
    r".*\b(?:interval|uncertainty|error bars?|margin of error)\b.*\b(?:on|of|for|around|mean|means)\b.*\?$"
    r")")
"""A request to explain a term or the copilot itself, whatever words it contains."""

EXPLAIN = re.compile(r"^(?:so,?\s+|and\s+|ok,?\s+)?(?:what(?:'s| is| are)|whats)\s+[\w\s%/.-]{1,40}\??$")
"""A bare "what is X?": an explanation unless X names data a tool returns."""

NOT_A_TERM = re.compile(
    r"\b(?:our|my|the (?:total|balance|forecast|policy|proof|max|grid|current|active|best|greenest|cleanest|latest"
    r"|status|weekly|top|plan|deferral|power|carbon|limit|budget|schedule|recommendations?|recs|wallet|summary|fleet)"
    r"|(?:this|that) (?:plan|policy|fleet|schedule|verification)|today|yesterday|tomorrow|last|this week|next"
    r"|emit|emitted"
    r"|balance|supply)\b")
"""Words that turn a "what is ..." into a question about data (answered by a tool)."""

ENTRIES: tuple[tuple[str, str], ...] = (
    (r"what can you do|what do you do|\bhelp\b|how do i use",
     "I simulate a fleet, account its emissions (totals, or by team, region, day or hour, for any period), "
     "forecast grid carbon intensity of a region, plan greener placements under the active policy, execute "
     "and verify them, show a verification's evidence, mint verified savings after an authorised person "
     "approves, show token balances, the active policy and weekly team summaries."),
    (r"synthetic|simulat",
     "A synthetic fleet is a simulated cloud fleet: seeded random jobs (teams, regions, instance types, "
     "durations, urgency), grid carbon intensity, prices and telemetry, stored in the ledger so every "
     "other tool can run without real data."),
    (r"right-?siz",
     "Rightsizing moves a job to a smaller instance when its measured utilisation shows it needs less; "
     "the saving is energy (kWh), minted as kWhSave once verified."),
    (r"power[- ]?cap",
     "A power cap limits GPU power draw; jobs run slightly longer but use less energy per job."),
    (r"interval|\bci\b|confidence|uncertaint",
     "The interval gives the range the true value lies in with the stated probability, from the "
     "uncertainty of grid intensity and power models (Monte Carlo); mints use its conservative lower end."),
    (r"scope [123]|ghg protocol|location-based|market-based",
     "The emissions are location-based scope 2 (electricity used, times the grid carbon intensity of its "
     "region and hour, including the data centre's PUE) plus the embodied carbon of the hardware amortised "
     "per hour of use (a scope 3 category); other scope 3 categories and market-based instruments are not "
     "included."),
    (r"verif",
     "Verification compares each executed recommendation's claimed saving with the saving recomputed on "
     "realised grid data against the schedule as submitted; only the conservative lower bound is mintable, "
     "and each (job, kind of change) is verified and minted once."),
    (r"gco2|intensity",
     "gCO2e/kWh is grid carbon intensity: grams of CO2-equivalent emitted per kilowatt-hour of electricity "
     "in a region at a given hour."),
    (r"offset|kgco2esave|kwhsave|token",
     "A kgCO2eSave or kWhSave token records a verified avoided emission or energy saving of your own "
     "fleet. It is not a carbon offset and cannot be used to claim removals or to net out other emissions."),
    (r"embodied",
     "Embodied carbon is the manufacturing footprint of the hardware, amortised over its lifetime and "
     "charged per hour of use, added to the operational emissions from electricity."),
    (r"persistence",
     "A persistence forecast repeats the past: persistence-24h uses the same hour yesterday, "
     "persistence-168h the same hour last week. They are the baselines every trained model must beat."),
    (r"\bpue\b",
     "PUE (power usage effectiveness) is total data-centre energy divided by IT energy; accounting "
     "multiplies IT energy by it to include cooling and power losses."),
    (r"account|emissions",
     "The account tool gives fleet totals (energy, emissions with their interval, by team and region); "
     "the emissions tool breaks emissions down by team, region, day or hour for a chosen team, region or "
     "period."),
    (r"milp|exact|greedy|solver",
     "The greedy planner moves jobs one at a time to their best allowed slot; the exact planner solves a "
     "mixed-integer programme with HiGHS and reports its optimality gap."),
)


def explanation(text: str) -> str:
    """The entry for the term ``text`` asks about, or what the copilot can explain."""
    for pattern, answer in ENTRIES:
        if re.search(pattern, text):
            return answer
    return ("I can explain the copilot's terms (synthetic fleet, rightsizing, power caps, intervals, "
            "verification, gCO2e/kWh, embodied carbon, persistence forecasts, PUE, savings tokens) and run "
            "its tools; ask about one of them, or ask me to do something.")
