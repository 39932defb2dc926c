"""Regions from what people call them: region codes, grid names, cities, states and countries.

Every name resolves to the regions of ``tools.regions.REGIONS``; a name that fits several (a
country with a cloud region and a grid zone, "Europe", "the US") is ambiguous and the copilot asks
which one, and a region-like code that is not registered ("eu-central-1") is reported as unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.regions import COUNTRY_NAMES, PLACE_REGIONS, REGIONS, regions_in_countries

_MORE_PLACES = {
    "caiso": "CISO", "ercot": "ERCO", "pjm interconnection": "PJM",
    "iso new england": "ISNE", "iso-ne": "ISNE", "national grid": "GB", "lone star state": "ERCO",
    "golden state": "CISO", "pacific northwest": "us-west-2", "blighty": "GB", "deutschland": "DE",
    "bay area": "CISO", "silicon valley": "CISO",
}
"""Names people use in chat beyond the registry's (``tools.regions.PLACE_REGIONS``)."""
_CITIES = {**{name: regions[0] for name, regions in PLACE_REGIONS.items()}, **_MORE_PLACES}
_COUNTRIES = {
    **{name: codes[0] for name, codes in COUNTRY_NAMES.items() if len(codes) == 1 and not name.startswith("the ")},
    "irish": "IE", "swedish": "SE", "indian": "IN", "german": "DE", "french": "FR", "british": "GB",
    "america": "US", "american": "US", "u.s.": "US",
}
_GROUPS = {
    "europe": ("IE", "SE", "DE", "FR", "GB"), "european union": ("IE", "SE", "DE", "FR"),
    "the eu": ("IE", "SE", "DE", "FR"), "eu": ("IE", "SE", "DE", "FR"), "european": ("IE", "SE", "DE", "FR", "GB"),
    "asia": ("IN",), "nordics": ("SE",), "scandinavia": ("SE",),
}
_UNSUPPORTED = ("tokyo", "japan", "singapore", "sydney", "australia", "seoul", "korea", "sao paulo", "brazil",
                "canada", "montreal", "toronto", "ohio", "oregon east", "china", "beijing", "hong kong", "jakarta",
                "cape town", "south africa", "mexico", "chile", "israel", "uae", "dubai", "bahrain", "milan",
                "italy", "spain", "madrid", "zurich", "switzerland", "warsaw", "poland", "osaka", "hyderabad")
"""Places people name that no registered region covers (a question back, never a guess)."""
_CODE_LIKE = re.compile(r"\b(?:[a-z]{2}-[a-z]+-\d{1,2}|[a-z]{2}-[a-z]+\d)\b")


@dataclass
class PlaceMentions:
    """Regions named in a text, in order, and names that need a question back."""

    regions: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # name -> candidate regions
    unknown: list[str] = field(default_factory=list)  # region-like codes not registered


def find_places(text: str) -> PlaceMentions:
    """Places in ``text`` (lower-cased): registered codes first, then cities, countries and groups."""
    out = PlaceMentions()
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for name in sorted(REGIONS, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", text):
            if name.lower() in ("de", "fr", "se", "gb") and not _grid_context(text, m.start(), m.end()):
                continue
            if free(m.start(), m.end()):
                found.append((m.start(), name))
                taken.append((m.start(), m.end()))
    for alias, region in sorted(_CITIES.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
            if free(m.start(), m.end()):
                found.append((m.start(), region))
                taken.append((m.start(), m.end()))
    for alias, country in sorted(_COUNTRIES.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
            if alias == "us" and not re.search(r"\b(?:the|in|for) us\b", text[max(0, m.start() - 4):m.end()]):
                continue
            if not free(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            candidates = list(regions_in_countries((country,)))
            if len(candidates) == 1:
                found.append((m.start(), candidates[0]))
            elif candidates:
                out.ambiguous[alias] = candidates
    for alias, countries in sorted(_GROUPS.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
            if free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                out.ambiguous[alias] = list(regions_in_countries(countries))
    for m in _CODE_LIKE.finditer(text):
        if free(m.start(), m.end()):
            out.unknown.append(m.group(0))
    for place in _UNSUPPORTED:
        for m in re.finditer(rf"(?<![\w-]){re.escape(place)}(?![\w-])", text):
            if free(m.start(), m.end()):
                out.unknown.append(m.group(0))
    seen: set[str] = set()
    for _, region in sorted(found):
        if region not in seen:
            seen.add(region)
            out.regions.append(region)
    return out


def _grid_context(text: str, start: int, end: int) -> bool:
    """Two-letter grid codes (DE, FR, SE, GB) count only near grid words, not as ordinary words."""
    window = text[max(0, start - 25):end + 25]
    near = re.search(r"\b(?:grid|zone|forecast|fcst|ci|intensity|carbon|co2|region|emissions?|in|for|did|rack\w*"
                     r"|emit\w*"
                     r"|footprint|output)\b", window)
    listed = re.search(r"\b(?:forecast|fcst|grid|zones?|intensity)\b", text) and re.search(
        r"(?:^|,|\bthen|\band|\bor|\bvs)\s*$", text[:start])  # "forecast GB 24h, then DE 24h, then FR"
    return bool(near or listed)
