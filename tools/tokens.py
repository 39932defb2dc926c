"""Records of the token layer (pydantic v2): token specs, deployments, mints, retirements, events.

Amounts: ``*_units`` are integers of 10^-18 token (the contract's 18 decimals); ``amount`` is the
same value as an exact decimal string in tokens. 1 ``kWhSave`` = 1 kWh saved; 1 ``kgCO2eSave`` =
1 kgCO2e avoided. Gas in gas units. Addresses are EIP-55 checksummed, hashes 0x-hex.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TokenKey = Literal["kgco2e", "kwh"]
DECIMALS = 18
UNIT = 10**DECIMALS
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
HASH32 = r"^0x[0-9a-f]{64}$"


class MintStatus(StrEnum):
    """A mint, retirement, deployment or anchor: intended (recorded before anything is sent), sent
    (tx hash), confirmed (receipt and event checked), or failed (the contract refused it or the
    transaction reverted: it can never complete; kept with its error). Only ``CONFIRMED`` counts
    as minted anywhere. Mints never fail for good: a failed attempt stays pending with its error."""

    INTENT = "intent"
    SENT = "sent"
    CONFIRMED = "confirmed"
    FAILED = "failed"


PENDING_STATUSES = frozenset({MintStatus.INTENT, MintStatus.SENT})
"""A record in one of these may have reached the chain: look for its event before sending again."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TokenSpec(_Strict):
    """One deployment of ``EnergySavingsToken`` and the verification field it carries."""

    key: TokenKey
    name: str
    symbol: str
    unit: str = Field(description="What one token stands for: kWh or kgCO2e.")
    field: Literal["mintable_kgco2e", "mintable_kwh"]


TOKENS: dict[TokenKey, TokenSpec] = {
    "kgco2e": TokenSpec(key="kgco2e", name="Verified Avoided Emissions (kgCO2e)", symbol="kgCO2eSave",
                        unit="kgCO2e", field="mintable_kgco2e"),
    "kwh": TokenSpec(key="kwh", name="Verified Energy Savings (kWh)", symbol="kWhSave", unit="kWh",
                     field="mintable_kwh"),
}


KIND_TOKEN: dict[str, TokenKey] = {"shift": "kgco2e", "rightsize": "kwh", "power_cap": "kwh",
                                   "metered": "kwh"}
"""Which one token a verified saving mints, by its kind: a saving is minted once, as one token.
Energy savings (rightsizing, power caps, metered) mint ``kWhSave`` (one per kWh saved); their
carbon consequence is reported, never minted again. Time/region shifts save no kWh and mint
``kgCO2eSave`` (avoided emissions, not an offset)."""


def token_for_kind(kind: str) -> TokenKey:
    """The token a verified saving of ``kind`` mints (see :data:`KIND_TOKEN`)."""
    try:
        return KIND_TOKEN[kind]
    except KeyError:
        raise ValueError(f"no token is minted for savings of kind {kind!r}; known kinds: "
                         f"{', '.join(KIND_TOKEN)}") from None


class AmountError(ValueError):
    """An amount cannot be expressed exactly in token units (negative, NaN, too many decimals)."""


def to_units(value: float) -> int:
    """A verified quantity (float, e.g. 1.2345 kWh) -> integer 10^-18 units, rounded DOWN.

    Goes through ``repr`` so 0.1 becomes exactly 10^17 units (not the binary float's expansion);
    rounding down means we never mint more than was verified.
    """
    try:
        exact = Decimal(repr(float(value)))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise AmountError(f"amount {value!r} is not a number") from exc
    if not exact.is_finite() or exact < 0:
        raise AmountError(f"amount {value!r} must be finite and >= 0")
    return int((exact * UNIT).to_integral_value(rounding=ROUND_DOWN))


def parse_token_amount(text: str) -> int:
    """A token amount typed by a person ("1.5") -> exact 10^-18 units; refuses inexact input."""
    try:
        exact = Decimal(text.strip())
    except InvalidOperation as exc:
        raise AmountError(f"amount {text!r} is not a decimal number") from exc
    if not exact.is_finite() or exact <= 0:
        raise AmountError(f"amount {text!r} must be a positive number of tokens")
    units = exact * UNIT
    if units != units.to_integral_value():
        raise AmountError(f"amount {text!r} has more than {DECIMALS} decimals")
    return int(units)


def units_to_str(units: int) -> str:
    """10^-18 units -> exact decimal string in tokens, without trailing zeros ("1.5", "0")."""
    text = f"{Decimal(units) / UNIT:f}" if units else "0"
    return text.rstrip("0").rstrip(".") if "." in text else text


def short_amount(amount: str, places: int = 4) -> str:
    """A token amount (exact decimal string) for people: ``places`` decimals (``places`` significant
    digits below 1), rounded half up, prefixed "≈" when digits were dropped
    ("24.883994277320339646" -> "≈24.884", "0.0000412345" -> "≈0.00004123", "0.001" stays)."""
    exact = Decimal(str(amount))
    keep = places if exact == 0 or abs(exact) >= 1 else places - exact.adjusted() - 1
    shown = exact.quantize(Decimal(1).scaleb(-keep), rounding=ROUND_HALF_UP) if -int(exact.as_tuple().exponent) \
        > keep else exact
    text = f"{shown:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text if shown == exact else f"≈{text}"


class Deployment(_Strict):
    """A token contract deployed on one network, as recorded in the ledger."""

    network: str
    token: TokenKey
    chain_id: int
    genesis_hash: str = Field(pattern=HASH32)
    address: str = Field(pattern=ADDRESS)
    name: str
    symbol: str
    admin: str = Field(pattern=ADDRESS, description="Holds DEFAULT_ADMIN_ROLE; deployed the token.")
    minter: str | None = Field(default=None, pattern=ADDRESS, description=(
        "Holds MINTER_ROLE. None on deployments of the earlier one-key contract, where the admin "
        "held both roles."))
    tx_hash: str = Field(pattern=HASH32)
    block: int = Field(ge=0)
    gas_used: int = Field(ge=0)
    code_hash: str = Field(pattern=HASH32)
    created_utc: str


class DeployIntent(_Strict):
    """A deployment about to be sent, recorded first: the deployer's nonce fixes the CREATE address
    (``predicted_address``), so after a crash the chain is asked for code there instead of
    deploying again. ``from_block`` is the chain head when the intent was recorded."""

    network: str
    token: TokenKey
    chain_id: int
    genesis_hash: str = Field(pattern=HASH32)
    deployer: str = Field(pattern=ADDRESS)
    minter: str = Field(pattern=ADDRESS)
    nonce: int = Field(ge=0)
    predicted_address: str = Field(pattern=ADDRESS)
    from_block: int = Field(ge=0)
    status: MintStatus
    tx_hash: str | None = None
    attempts: int = 0
    last_error: str | None = None
    created_utc: str
    updated_utc: str


class MintRecord(_Strict):
    """One (verification, token) mint: intent -> sent (tx hash) -> confirmed (block, gas)."""

    verification_id: str
    token: TokenKey
    network: str
    chain_id: int
    token_address: str = Field(pattern=ADDRESS)
    evidence_hash: str = Field(pattern=HASH32)
    recipient: str = Field(pattern=ADDRESS)
    amount_units: int = Field(gt=0)
    amount: str
    status: MintStatus
    tx_hash: str | None = None
    block: int | None = None
    gas_used: int | None = None
    attempts: int = 0
    last_error: str | None = None
    created_utc: str
    updated_utc: str


class Retirement(_Strict):
    """A retirement (burn) of the holder's tokens, with its reason. ``retire_id`` (0x-hex, 32
    bytes) is passed to the contract, which burns at most once per (holder, retire_id); rows made
    before that contract version carry a 16-hex-digit id."""

    retire_id: str
    network: str
    token: TokenKey
    token_address: str = Field(pattern=ADDRESS)
    holder: str = Field(pattern=ADDRESS)
    amount_units: int = Field(gt=0)
    amount: str
    reason: str
    status: MintStatus
    tx_hash: str | None = None
    block: int | None = None
    gas_used: int | None = None
    attempts: int = 0
    last_error: str | None = None
    created_utc: str
    updated_utc: str


class Anchor(_Strict):
    """An anchor of the ledger's audit log on chain: its first ``rows`` rows hash-chain to ``head``
    (0x-hex). Sent by the minter key to the carbon token's ``anchor``; moves no tokens."""

    anchor_id: str
    network: str
    token: TokenKey
    token_address: str = Field(pattern=ADDRESS)
    head: str = Field(pattern=HASH32)
    rows: int = Field(ge=0)
    sender: str = Field(pattern=ADDRESS)
    status: MintStatus
    tx_hash: str | None = None
    block: int | None = None
    gas_used: int | None = None
    attempts: int = 0
    last_error: str | None = None
    created_utc: str
    updated_utc: str


class ChainEvent(_Strict):
    """A ``SavingsMinted`` or ``Retired`` event read back from the chain."""

    token: TokenKey
    event: Literal["SavingsMinted", "Retired"]
    block: int
    log_index: int
    tx_hash: str = Field(pattern=HASH32)
    account: str = Field(pattern=ADDRESS, description="Recipient of a mint, holder of a retirement.")
    amount_units: int
    amount: str
    evidence_hash: str | None = None
    reason: str | None = None
    retire_id: str | None = None


DifferenceKind = Literal[
    "not_on_chain", "not_in_ledger", "pending_but_on_chain", "amount_mismatch", "recipient_mismatch",
    "tx_mismatch", "retirement_not_on_chain", "retirement_not_in_ledger", "supply_mismatch",
    "amount_vs_verification", "retirement_pending_but_on_chain", "anchor_not_on_chain",
]


class Difference(_Strict):
    """One disagreement between the ledger and the chain."""

    kind: DifferenceKind
    token: TokenKey
    detail: str
    evidence_hash: str | None = None
    verification_id: str | None = None
    tx_hash: str | None = None
    retire_id: str | None = None
