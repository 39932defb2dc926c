"""Registry of the regions the tools know: simulated cloud regions and real grid zones.

A region name is validated against this registry at every boundary, so a typo such as
``us-east1`` fails loudly instead of silently creating a new, empty region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Provider = Literal["aws", "gcp", "azure", "grid"]


@dataclass(frozen=True)
class RegionInfo:
    """Static facts about one region.

    Attributes:
        name: the region's identifier (cloud region code or grid balancing area).
        provider: cloud provider, or ``grid`` for a grid zone that is not a cloud region.
        country: ISO 3166-1 alpha-2 country code.
        utc_offset_h: standard-time offset of local solar time from UTC, hours (used for the
            simulated solar shape only; not a time-zone database entry).
        base_intensity_g_per_kwh: typical average grid intensity, gCO2e/kWh (simulator base).
        solar_share: fraction of the base intensity removed at solar noon (simulator shape).
        wind_share: relative amplitude of slow wind-driven swings (simulator shape).
        price_multiplier: on-demand price relative to us-east-1 (simulator prices).
    """

    name: str
    provider: Provider
    country: str
    utc_offset_h: float
    base_intensity_g_per_kwh: float
    solar_share: float = 0.0
    wind_share: float = 0.0
    price_multiplier: float = 1.0


SIMULATED_REGIONS: tuple[RegionInfo, ...] = (
    RegionInfo("us-east-1", "aws", "US", -5, 350.0, 0.10, 0.10, 1.00),
    RegionInfo("us-west-2", "aws", "US", -8, 90.0, 0.25, 0.20, 1.00),
    RegionInfo("eu-west-1", "aws", "IE", 0, 300.0, 0.05, 0.30, 1.11),
    RegionInfo("eu-north-1", "aws", "SE", 1, 30.0, 0.05, 0.25, 1.06),
    RegionInfo("ap-south-1", "aws", "IN", 5.5, 700.0, 0.12, 0.05, 1.05),
)

# Grid zones that appear in the real data sets (../shared/data/real) and their common aliases.
GRID_ZONES: tuple[RegionInfo, ...] = (
    RegionInfo("CISO", "grid", "US", -8, 200.0),
    RegionInfo("PJM", "grid", "US", -5, 296.0),
    RegionInfo("ERCO", "grid", "US", -6, 302.0),
    RegionInfo("ISNE", "grid", "US", -5, 232.0),
    RegionInfo("SE", "grid", "SE", 1, 40.0),
    RegionInfo("DE", "grid", "DE", 1, 313.0),
    RegionInfo("GB", "grid", "GB", 0, 213.0),
    RegionInfo("FR", "grid", "FR", 1, 56.0),
)

REGIONS: dict[str, RegionInfo] = {r.name: r for r in (*SIMULATED_REGIONS, *GRID_ZONES)}


class UnknownRegionError(ValueError):
    """Raised when a region name is not in the registry."""


def check_region(name: str, field: str = "region") -> str:
    """Return ``name`` if it is a known region, else raise naming the field and the value."""
    if name not in REGIONS:
        known = ", ".join(sorted(REGIONS))
        raise UnknownRegionError(f"{field}={name!r} is not a known region (known: {known})")
    return name


def region_info(name: str) -> RegionInfo:
    """Facts for a known region; raises UnknownRegionError otherwise."""
    return REGIONS[check_region(name)]


# -- place names ----------------------------------------------------------------------------------
# What people call the places regions lie in. A country or union stands for every region (cloud
# region or grid zone) whose country is in it; a city or state for the one region located there.
_EU = ("IE", "SE", "DE", "FR")
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "the european union": _EU, "european union": _EU, "the eu": _EU, "eu": _EU,
    "europe": (*_EU, "GB"),
    "the united states": ("US",), "united states": ("US",), "the united states of america": ("US",),
    "the us": ("US",), "the usa": ("US",), "usa": ("US",), "us": ("US",),
    "ireland": ("IE",), "sweden": ("SE",), "germany": ("DE",), "france": ("FR",), "india": ("IN",),
    "the uk": ("GB",), "uk": ("GB",), "the united kingdom": ("GB",), "united kingdom": ("GB",),
    "great britain": ("GB",), "britain": ("GB",),
}
def _places(region: str, *names: str) -> dict[str, tuple[str, ...]]:
    return {name: (region,) for name in names}


PLACE_REGIONS: dict[str, tuple[str, ...]] = {
    # cloud regions: the city or state the data centres are in
    **_places("eu-north-1", "stockholm"), **_places("eu-west-1", "dublin"),
    **_places("ap-south-1", "mumbai", "bombay"), **_places("us-west-2", "oregon", "portland"),
    **_places("us-east-1", "virginia", "northern virginia", "n. virginia", "ashburn"),
    # grid zones: the states and cities they serve (a city in a country with one region is that region)
    **_places("ERCO", "texas", "dallas", "houston", "austin", "san antonio", "fort worth"),
    **_places("CISO", "california", "los angeles", "san francisco", "san diego", "san jose", "sacramento"),
    **_places("ISNE", "new england", "massachusetts", "boston", "connecticut", "hartford", "rhode island",
              "providence", "vermont", "new hampshire", "maine"),
    **_places("PJM", "pennsylvania", "philadelphia", "pittsburgh", "new jersey", "newark", "maryland", "baltimore",
              "delaware", "washington dc", "washington, d.c.", "west virginia"),
    **_places("DE", "berlin", "frankfurt", "munich", "hamburg", "cologne", "stuttgart", "dusseldorf", "leipzig",
              "dresden", "hanover", "nuremberg"),
    **_places("FR", "paris", "lyon", "marseille", "toulouse", "lille", "bordeaux", "nantes", "strasbourg"),
    **_places("GB", "london", "manchester", "edinburgh", "birmingham", "glasgow", "leeds", "liverpool", "bristol",
              "cardiff", "sheffield", "newcastle", "oxford", "england", "scotland", "wales"),
    **_places("SE", "gothenburg", "goteborg", "malmo", "uppsala"),
    **_places("eu-west-1", "galway", "limerick"),
}


def regions_in_countries(countries: tuple[str, ...]) -> tuple[str, ...]:
    """Every known region whose country is in ``countries`` (registry order)."""
    return tuple(name for name, info in REGIONS.items() if info.country in countries)


REGION_ALIASES: dict[str, tuple[str, ...]] = {
    **{k: regions_in_countries(v) for k, v in COUNTRY_NAMES.items()}, **PLACE_REGIONS}
