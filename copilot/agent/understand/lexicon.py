"""The words that ask for each tool, and the requests no chat tool serves (with where to go instead).

Patterns run on ``words.normalise``-d text. A *strong* cue names the tool's action or subject; a
*weak* one ("claimed vs verified", "carbon") counts only when nothing stronger is in its clause.
"""

from __future__ import annotations

import re

REFERENCED_PLAN = re.compile(
    r"(?<!\bdo )(?<!\brun )(?<!\bmake )(?<!\bredo )"
    r"\b(?:the|this|that|latest|last|my|our|current|existing|executed|same|previous|its|whole)"
    r"(?:\s+(?:approved|proposed|executed|verified|latest|current|greedy|exact|last))?\s+plan'?s?\b"
    r"|\bplan\s+(?:id\s+)?(?!\d{1,3}[dhw]\b)[0-9a-f]{3,16}\b|\b[0-9a-f]{16}\s+plan\b|\bunder the plan\b"
    r"|(?<!run )(?<!use )(?<!start )\b(?:the|our|a|its) planner(?! (?:for|over|on))\b")
"""A plan named as a thing (to execute, verify or list), not a request to make one."""

REFERENCED_RUN = re.compile(
    r"\b(?:of|from|for|in|on|since|with|under|about|over)\s+(?:the|this|that|latest|last|current|existing|previous|our"
    r"|my)(?:\s+(?:latest|last|current))?\s+(?:simulation|simulated (?:run|fleet)|"
    r"sim(?:ulation)? run|run|sim|simulator)\b|\bin the simulator\b")
"""A simulation named as a thing (to account or plan on), not a request to run one."""

GENERIC_GO = re.compile(r"\bgo ahead\b|\bdo it\b|\bproceed\b|\bmake it so\b|\blet'?s do (?:it|this)\b|\bship it\b")
"""Words that say "yes, do it" without naming what (the other tool named is the one to run)."""

def _any(*alternatives: str) -> str:
    """One pattern matching any of ``alternatives``."""
    return "|".join(alternatives)


STRONG: dict[str, str] = {
    "simulate": _any(
        r"\bre-?simulat\w*",
        r"\bseed\s*[=:]?\s*\d+\b",
        r"\bsimulat(?!or|ed\b)\w*",
        r"\b(?:run|start|re-?run|restart) (?:the |a )?simulator\b",
        r"\bre-?seed\b",
        r"\b(?:generate|create|make|build|need|want|give me|spin up|produce|populate)\b.{0,25}\bsynthetic\b",
        r"\b(?:synthetic|simulated) (?:fleet|data|jobs|telemetry)\b.{0,20}\b(?:for|of|over|covering)\b.{0,15}"
        r"\b(?:days?|weeks?|months?|years?)\b",
        r"\bsim\b",
        r"\bfake (?:cloud|fleet|data)\b",
        r"\bnew fleet\b",
        r"\bgenerate\b.{0,40}\b(?:fleet|data|telemetry|jobs|history)\b",
        r"\bspin up\b.{0,30}\bfleet\b",
        r"\btest (?:data|telemetry|fleet)\b",
        r"\bmock (?:fleet|data)\b",
        r"\bdummy (?:fleet|data)\b",
    ),
    "account": _any(
        r"\baccount(?:ing)?\b(?!\s+(?:for|of|name|names|holder)\b)",
        r"\bacct\b",
    ),
    "forecast": _any(
        r"\bforecast(?:s|ing)?\b",
        r"\bfcst\b",
        r"\bfc\b",
        r"\bpredict\w*",
        r"\bday[- ]ahead\b",
        r"\bgoing to look like\b",
        r"\bhow (?:dirty|clean|green|carbon[- ]intensive) (?:is|will) the grid\b",
        r"\bwill\b.{0,30}\bbe\b.{0,20}\b(?:tomorrow|tonight|next)\b",
        r"\b(?:greenest|cleanest|dirtiest|best|lowest[- ]carbon|lowest|greener|cleaner)\s+(?:hours?|times?"
        r"|windows?|slots?|moments?)\b",
        r"\bgrid (?:outlook|intensity)\b",
        r"\bcarbon intensity\b",
        r"\bintensity\b",
        r"\bgco2e?/kwh\b",
        r"\bwhen (?:is|should|would|can|could)\b.{0,60}\b(?:run|cleanest|greenest)",
        r"\boutlook\b",
        r"\bbest time\b",
        r"\bhow (?:dirty|clean|green) will\b",
        r"\bgrid (?:mix|conditions)\b",
        r"\b(?:grid|intensity|carbon) (?:going to |gonna )?look like\b",
        r"\bwill the grid\b",
        r"\bgoing to be (?:clean|dirty|green|low|high)\w*",
        r"\bhow (?:clean|dirty|green) will\b",
    ),
    "plan": _any(
        r"\bdefer (?:the )?(?:batch|queue|jobs|workloads|flexible)\w*",
        r"\bpln\b",
        r"\b(?:greener|cleaner|better|optimi[sz]ed|carbon-aware|lower-carbon) schedule\b",
        r"\b(?:re-?)?plan(?:s|ning)?\b",
        r"\bplanner\b",
        r"\boptimi[sz]\w*",
        r"\breschedul\w*",
        r"\bschedule (?:jobs|workloads|the|our|them)\b",
        r"\bfind greener\b",
        r"\bgreener (?:placements?|slots?|regions?)\b",
        r"\b(?:find|compute|suggest|propose|optimi[sz]e|greener|better|new|cleaner)\s+(?:\w+\s+)?placements?\b",
        r"\\bshift (?:jobs|workloads|load)\\b",
        r"\bmove (?:jobs|workloads|load)\b",
        r"\bdefer (?:jobs|workloads)\b",
        r"(?:^|please |pls |can you |could you |let'?s |to |and )schedule\b",
        r"\bscheduling\b(?! (?:polic|rules|constraints))",
        r"\bcarbon[- ]aware\b(?! (?:polic|rules))",
        r"\b(?:shift|move|run)\b.{0,30}\b(?:cleaner|greener|lower[- ]carbon) (?:hours|slots|times|regions)\b",
        r"\b(?:redo|recompute|rebuild|regenerate|refresh)\s+(?:the |our |a |another |new |fresh )*plan\b",
        r"\b(?:make|create|draft|build|compute|produce|come up with|prepare)\s+(?:a |another |new |fresh "
        r"|an? updated )+(?:exact |greedy )?plan\b",
        r"\bbetter (?:slots|placements|times|regions|schedule)\b",
    ),
    "recommendations": _any(
        r"\b(?:pending|open|outstanding)\b.{0,20}\b(?:in|from|of) (?:the |this |latest )?plan\b",
        r"\bwhat'?s (?:pending|open|outstanding)\b",
        r"\bwhat did (?:the|this|that|latest|our) (?:plan|planner) "
        r"(?:decide|do|say|suggest|propose|choose|pick|change)\b",
        r"\b(?:whatever|what) the (?:planner|plan) (?:came up with|suggested|proposed|produced|found)\b",
        r"\bwhat (?:plan \w+|the plan|this plan|it) (?:wants|would like|intends|proposes|plans) to "
        r"(?:change|move|do)\b",
        r"\brecommend(?:ation)?s?\b",
        r"\bflagged\b",
        r"\bcandidates?\b",
        r"\brecs?\b",
        r"\bsuggestions?\b",
        r"\bproposals?\b",
        r"\bopportunit\w+",
        r"\bwhat (?:changes|should we change)\b",
        r"\bwhat (?:it|the plan|this|that) (?:would |will )?change\b",
        r"\bchanges does\b",
        r"\bpropose[sd]?\b",
        r"\bcould be (?:power[- ]capped|right-?sized|shifted|moved|deferred)\b",
        r"\bwaiting (?:for|to be)\b",
        r"\bwhich jobs (?:would|will|are|get|got|were)\b.{0,20}\b(?:moved|shifted|deferred|relocated"
        r"|right-?sized|capped)",
        r"\b(?:list|show|see|display)\b.{0,30}\bchanges\b",
        r"\bbiggest (?:wins|savings)\b",
        r"\bwhat(?:'s| is) in (?:the|this|that) plan\b",
        r"\bshow (?:me )?(?:the )?plan\b",
        r"\bplan'?s? (?:changes|details|contents|items|actions)\b",
        r"\bsuggests?\b",
        r"\bwhat(?:'s| is) in plan\b",
        r"\bdetails? (?:of|for|on) (?:the |this |that |latest )?plan\b",
        r"\btop savings\b",
        r"\bopen (?:the |this |latest )?plan\b",
        r"\bwhat (?:would|will|does|did) (?:it|the plan|this plan|that plan|the latest plan|plan \w+)"
        r" (?:change|move|shift|do|touch)\b",
        r"\b(?:which|what) jobs\b.{0,30}\b(?:move[sd]?|moving|shift\w*|defer\w*|resiz\w*|right-?siz\w*|capp\w*"
        r"|relocat\w*)",
    ),
    "execute": _any(
        r"\bexecut(?:e|ing)\b",
        r"\bexec\b(?! summary)",
        r"\bpush\b.{0,25}\blive\b",
        r"\bship (?:plan|the plan|the changes)\b",
        r"\brun (?:plan )?[0-9a-f]{16}\b",
        r"(?<!-)\b(?:apply|applying|implement|implementing)\b(?!\s+(?:to|for|in|on|only|at|during|when|if)\b)",
        r"\broll(?:ing)? (?:it )?out\b",
        r"\bcarry (?:it )?out\b",
        r"\brun the plan\b",
        r"\bput\b.{0,40}\binto (?:effect|action|production|practice)\b",
        r"\bship it\b",
        r"\bgo ahead\b",
        r"\bmake it so\b",
        r"\benact\b",
        r"\bproceed\b",
        r"\bgo live\b",
        r"\bpush (?:the |those )?changes\b",
        r"\bmake the changes\b",
        r"\bgreen ?light\b",
        r"\brun plan\b",
        r"\bdo it\b",
        r"\blet'?s do (?:it|this)\b",
        r"\bapprove\b.{0,20}\b(?:plan|recommendations|recs|changes|schedule)\b",
    ),
    "verify": _any(
        r"\b(?:do|run|perform|start|kick off) (?:the |a )?verifications?\b",
        r"\battest\w*",
        r"\bm&v\b|\bmeasurement and verification\b",
        r"\bdeliver(?:ed)? (?:the )?savings\b",
        r"\b(?:actually|really) deliver\w*",
        r"\bsavings\b.{0,20}\b(?:delivered|materiali[sz]ed|achieved)\b",
        r"\bverif(?:y|ying)\b",
        r"\brun (?:a |the )?verifications?\b",
        r"\bvalidat(?:e|ing)\b",
        r"\bcheck\b.{0,30}\b(?:against|realised|realized|actual)\b",
        r"\bmeasure (?:the )?(?:actual|real|realised|realized)\b",
        r"\bwere the savings real\b",
        r"\b(?:actually|really) sav\w+",
        r"\bsave anything\b",
        r"\bsavings (?:real|hold up)\b",
        r"\bsavings\b.{0,40}\bhold up\b",
        r"\bprove\b",
        r"\bdid (?:the|our|it|this|that) .{0,20}\bwork\b",
        r"\b(?:confirm|audit|measure|check) (?:the |our )?savings\b",
    ),
    "evidence": _any(
        r"\breceipts?\b",
        r"\bbacking (?:data|evidence)\b",
        r"^ev\b",
        r"\bevidence\b",
        r"\bproof\b",
        r"\bwhat backs\b",
        r"\baudit verification\b",
        r"\bhow was\b.{0,40}\bverified\b",
        r"\bclaimed vs\.? verified for\b",
        r"\bdetails of verification\b",
        r"\bshow (?:me )?verification\b",
        r"\baudit trail\b",
        r"\bwhat(?:'s| is) behind\b",
        r"\bwhy (?:was|were|is)\b.{0,40}\b(?:accepted|refused|rejected|verified|approved)\b",
        r"\bverification\s+(?:id\s+)?[0-9a-f]{16}\b",
    ),
    "balances": _any(
        r"\bwhat we hold\b",
        r"\bwhat(?:'s| has) been minted\b",
        r"\btokens? bal\b",
        r"\bbal\b",
        r"\baddrs\b",
        r"\bbalances?\b",
        r"\bwallets?\b",
        r"\bhow many tokens\b",
        r"\bminted so far\b",
        r"\btotal supply\b",
        r"\bsupply\b",
        r"\btoken contracts?\b",
        r"\bcontracts? (?:are )?deployed\b",
        r"\btoken addresses\b",
        r"\btokens (?:held|do we)\b",
        r"\btokens (?:have we|did we) (?:minted|mint)\b",
        r"\bholdings?\b",
        r"\bhow (?:much|many)\b.{0,30}\b(?:have we|did we|has been|have been|were) mint",
        r"\bminted (?:totals?|amounts?)\b",
        r"\bchain status\b",
        r"\bcontract address\w*",
        r"\b(?:kwhsave|kgco2esave|tokens?)\b.{0,20}\b(?:do we|have we|we) (?:hold|have|own|got)\b",
        r"\btoken (?:addrs|addresses|contracts?)\b",
        r"\btotal minted\b",
        r"\bhow many\b.{0,30}\b(?:kgco2esave|kwhsave)\b",
        r"\btokens? (?:exist|outstanding|in circulation|issued so far)\b",
        r"\btoken holders?\b",
        r"\b(?:has|have) been minted\b",
        r"\bwhat(?:'s| is) on[- ]chain\b",
        r"\bcheck the chain\b",
    ),
    "policy": _any(
        r"\bpolic(?:y|ies)\b",
        r"\bconstraints?\b",
        r"\brules?\b",
        r"\bgovernance\b",
        r"\bresidency\b",
        r"\bblackouts?\b",
        r"\bcarbon budget\b",
        r"\blimits? does\b",
        r"\bwhat limits\b",
        r"\brestrictions?\b",
        r"\bguardrails?\b",
        r"\bcompliance\b",
        r"\bwho (?:can|may|is allowed to|are allowed to) approve\b",
        r"\bapprovers?\b",
        r"\ballowed to\b",
        r"\b(?:can|may)\b.{0,30}\b(?:use|run in)\b.{0,20}\bregions?\b",
        r"\bdeferral limits?\b",
        r"\bmax(?:imum)? deferral\b",
        r"\bwhich regions? (?:can|may|is|are)\b.{0,30}\b(?:use|run|allowed)\b",
        r"\b(?:is there|do we have|what(?:'s| is)) (?:an? |the |our )?(?:power cap|carbon price|carbon budget"
        r"|blackout|deferral limit|residency|approval rule|two-person rule)\b",
    ),
    "summary": _any(
        r"^sum\b",
        r"\bhow (?:did|is|are|was|were|'s)\b.{0,30}\b(?:do|doing|perform\w*|fare|fared|go|going)\b.{0,20}"
        r"\b(?:w\d{1,2}|week)",
        r"\bwhat happened\b.{0,30}\b(?:this|last) week\b",
        r"\bwhat happened (?:with|to|for)\b",
        r"\bsummar(?:y|ies|ise|ize)\b",
        r"\bdigest\b",
        r"\brecap\b",
        r"\b(?:weekly|team|week'?s?|status|sustainability) reports?\b",
        r"\breport for\b",
        r"\bnewsletter\b",
        r"\bnudges?\b",
        r"\bweek in review\b",
        r"\bhow are the teams doing\b",
        r"\bwhat changed for\b",
        r"\bcompared (?:with|to) the week before\b",
        r"\bweekly (?:update|email|review|numbers)\b",
        r"\bstatus update\b",
        r"\bhow did (?:the )?teams? do\b",
        r"\bscorecard\b",
        r"\bhighlights\b",
        r"\breport card\b",
        r"\bwhat happened (?:this|last) week\b",
        r"\bweek'?s? (?:update|review|numbers)\b",
        r"\bteams? doing\b",
        r"\bhow(?:'s| is| are| did)\b.{0,25}\b(?:doing|do)\b.{0,10}\b(?:this|last) week\b",
        r"\bweek[- ](?:over|on)[- ]week\b",
    ),
    "mint": _any(
        r"\bissue (?:the |our )?(?:\w+ )?credits?\b",
        r"\b(?:get|earn|receive|claim) (?:the |our )?(?:\w+ )?tokens?\b",
        r"\bconvert\b.{0,40}\binto (?:tokens?|kgco2esave|kwhsave)\b",
        r"\binto (?:kgco2esave|kwhsave)\b",
        r"\bmint\b",
        r"\bissue (?:the )?(?:kgco2esave|kwhsave)\b",
        r"\bminting\b",
        r"\btokeni[sz]e\b",
        r"\bissue (?:the )?(?:\w+ )?tokens?\b",
        r"\bclaim (?:the )?(?:\w+ )?tokens?\b",
        r"\bput\b.{0,50}\bon[- ]chain\b",
        r"\binto tokens\b",
        r"\bcreate (?:the )?(?:\w+ )?tokens?\b",
    ),
    "emissions": _any(
        r"\bwhole (?:fleet|estate)\b",
        r"\bscope[- ](?:1|2|3|one|two|three)\b",
        r"^em\b",
        r"\bacct\b",
        r"\bgrand total\b",
        r"\bemissions?\b",
        r"\bemit\w*",
        r"\bfootprint\b",
        r"\baccounting\b",
        r"\baccount (?:it|for the|the fleet)\b",
        r"\btotals?\b",
        r"\boverall\b",
        r"\bco2e?\b",
        r"\bkgco2e\b",
        r"\btco2e\b",
        r"\bgreenhouse\b",
        r"\bghg\b",
        r"\bput out\b",
        r"\benergy (?:use|used|consumption)\b",
        r"\bhow much\b.{0,30}\b(?:emit|use|consume|energy|electricity|power)\w*",
        r"\belectricity\b",
        r"\bpower consumption\b",
        r"\bhow green (?:are|is|were|was)\b",
        r"\bimpact\b",
        r"\bproduced?\b.{0,20}\b(?:co2|carbon)",
        r"\bhow (?:dirty|clean|green) (?:was|were|did)\b",
        r"^account$",
        r"\bhow many (?:kwh|kg|kilograms?|tonnes?|tons?|t)\b",
        r"\bbig[- ]picture\b",
        r"\bheadline (?:numbers|figures)\b",
        r"\bfleet[- ]wide\b",
        r"\bwhole fleet\b",
    ),
}

WEAK: dict[str, str] = {
    "verify": _any(
        r"\bclaimed vs\.? verified\b",
        r"\brealised savings\b",
        r"\brealized savings\b",
    ),
    "emissions": _any(
        r"\bcarbon\b",
        r"\bkwh\b",
        r"\benergy\b",
        r"\bpollut\w+",
    ),
    "summary": _any(
        r"\breport\b",
        r"\bweekly\b",
        r"\bweek (?:of|starting|beginning|commencing)\b",
        r"\bget done\b",
        r"\baccomplish",
    ),
}

OUT_OF_SCOPE: tuple[tuple[str, str], ...] = (
    (r"\b(?:retire|burn)\b[^.?!]{0,40}\btokens?\b|\bretire\b",
     "Retiring (burning) tokens is not a chat action: an approver retires them with `app.py retire --as NAME` "
     "or in the Tokens tab of the UI, with a reason."),
    (r"\b(?:add|create|remove|delete|invite|register|make)\b[^.?!]{0,40}"
     r"\b(?:users?|approvers?|admins?|operators?|viewers?)\b|\bpassword\b",
     "People and roles are managed by an admin with `app.py users add|remove|passwd`, not from chat."),
    (r"\b(?:activate|confirm|enable|deactivate|disable|load|upload|install|switch to)\b[^.?!]{0,40}\bpolic",
     "Policies are loaded with `app.py policy load FILE` and activated by an admin with `app.py policy confirm` "
     "(or the Policies tab); I can only show the active one."),
    (r"\b(?:cancel|reject|discard|abandon|decline)\b[^.?!]{0,30}\b(?:plan|recommendations?|recs?)\b",
     "Rejecting a plan's recommendations is a person's decision: use `app.py reject --as NAME` or the "
     "approval buttons in the UI. Nothing was run."),
    (r"\b(?:re-?train|fit|tune)\b[^.?!]{0,40}\b(?:forecast\w*|model|lstm|ridge)\b",
     "Training forecasters is not a chat tool: run `app.py train` (it compares the model with the "
     "persistence baselines and stores it under models/)."),
    (r"\b(?:shut ?down|turn off|power off|stop|kill|scale (?:up|down)|reboot|restart)\b[^.?!]{0,40}"
     r"\b(?:clusters?|nodes?|servers?|instances?|machines?)\b",
     "I do not control clusters: plans are executed in the simulator, and tickets describe the changes for "
     "your operators."),
    (r"\b(?:buy|purchase|sell|trade)\b[^.?!]{0,30}\b(?:offsets?|credits?|certificates?|recs)\b",
     "I don't trade offsets or certificates; tokens here record your own verified savings and are not offsets."),
    (r"\b(?:transfer|send|give|move)\b[^.?!]{0,30}\b(?:tokens?|kgco2esave|kwhsave|credits?)\b",
     "Tokens are not transferred from chat: they are minted to the configured holder for verified savings "
     "and retired by an approver."),
    (r"\b(?:change|edit|update|modify|rewrite|amend|set|relax|loosen|tighten)\b[^.?!]{0,30}\bpolic",
     "Policies are changed by editing the policy document and loading it with `app.py policy load FILE`; an "
     "admin activates it (`app.py policy confirm`). I only show the active one."),
    (r"\b(?:book|record|recognise|recognize)\b[^.?!]{0,40}\bas (?:revenue|income|profit|an asset)\b|\brevenue\b",
     "Financial bookkeeping is outside what I do: savings are recorded as verifications and tokens, not as "
     "revenue."),
    (r"\b(?:write|prepare|draft|create|produce|generate|compile|file|submit)\b[^.?!]{0,30}"
     r"\b(?:annual|yearly|quarterly|esg|csrd|cdp|secr)\b[^.?!]{0,20}\breports?\b",
     "I don't write annual or regulatory reports; I can give weekly team summaries and the emissions and "
     "verified savings they would draw on."),
    (r"\bschedule (?:a |an )?(?:meeting|call|sync|standup|review|demo|1:1)\b|\b(?:my|our|the|a) calendar\b"
     r"|\bcalendar (?:invite|event|entry)\b",
     "I don't manage calendars; I plan compute jobs."),
    (r"\bexport\b[^.?!]{0,40}\b(?:to|as|into)\b[^.?!]{0,20}\b(?:parquet|csv|s3|excel|xlsx|json|bigquery|sheets?)\b",
     "Exports are not a chat action: `app.py report` writes charts, and the ledger is a SQLite file you can query."),
    (r"\bweather\b|\bhaiku\b|\bpoem\b|\bjoke\b|\bsong\b|\b(?:price|value) of (?:eth|ether|bitcoin|btc|gold|a stock)\b"
     r"|\bstock price\b|\bexchange rate\b",
     "That is outside what I do: I measure, plan, verify and mint compute-fleet carbon savings."),
)

SMALL_TALK = re.compile(
    r"^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|morning|thanks|thank you|thx|cheers|ok|okay|"
    r"cool|great|nice|awesome|perfect|got it|sounds good|hmm+|let me think|great work|well done|bye|goodbye)\b"
    r"[\w\s,!.'-]{0,40}$")
