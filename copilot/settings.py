"""Configuration: one typed settings object read once from environment variables.

Variables (all optional; nothing needs configuring for the embedded defaults):
    GREENOPS_DATA_DIR   data directory (default ``./var``)
    GREENOPS_DB         ledger path (default ``$GREENOPS_DATA_DIR/greenops.sqlite``)

Chain (token) variables; with none set, the embedded anvil node in ``$GREENOPS_DATA_DIR/chain`` is used:
    GREENOPS_CHAIN_RPC_URL              JSON-RPC URL of another node (anvil, Hardhat, a testnet)
    GREENOPS_CHAIN_NETWORK              name under which the ledger records its deployments
                                        (default ``embedded``, or the URL's ``scheme://host:port``)
    GREENOPS_CHAIN_PORT                 port of the embedded node on 127.0.0.1 (default 8545)
    GREENOPS_CHAIN_KEY_ENV              NAME of the variable holding a hex private key
                                        (default ``GREENOPS_CHAIN_PRIVATE_KEY``)
    GREENOPS_CHAIN_KEYSTORE             encrypted keystore file (eth-account / Web3 Secret Storage)
    GREENOPS_CHAIN_KEYSTORE_PASSWORD_ENV  NAME of the variable holding its password
                                        (default ``GREENOPS_CHAIN_KEYSTORE_PASSWORD``)
    GREENOPS_CHAIN_RECIPIENT            address that receives minted tokens (default: the tokens' admin)
    GREENOPS_CHAIN_TIMEOUT_S            seconds to wait for a receipt (default 60)
    GREENOPS_ANVIL_BIN                  anvil binary (default: node_modules/@foundry-rs/anvil-*)
Key material itself is never part of the settings: only the names of the variables holding it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "GREENOPS_"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration."""

    data_dir: Path
    db_path: Path
    chain: ChainSettings = field(default_factory=lambda: ChainSettings())

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get(f"{ENV_PREFIX}DATA_DIR") or "var")
        db_path = Path(env.get(f"{ENV_PREFIX}DB") or data_dir / "greenops.sqlite")
        return cls(data_dir=data_dir, db_path=db_path, chain=ChainSettings.from_env(env))


@dataclass(frozen=True)
class ChainSettings:
    """Where the token lives and who signs (names of secret-holding variables, never secrets)."""

    rpc_url: str | None = None
    network: str | None = None
    port: int = 8545
    key_env: str = f"{ENV_PREFIX}CHAIN_PRIVATE_KEY"
    keystore: Path | None = None
    keystore_password_env: str = f"{ENV_PREFIX}CHAIN_KEYSTORE_PASSWORD"
    recipient: str | None = None
    receipt_timeout_s: float = 60.0
    anvil_bin: Path | None = None

    @property
    def embedded(self) -> bool:
        """True when no RPC URL is configured: the app runs its own anvil node."""
        return not self.rpc_url

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ChainSettings:
        def get(name: str) -> str | None:
            value = env.get(f"{ENV_PREFIX}{name}", "").strip()
            return value or None

        def number(name: str, default: float, low: float, high: float) -> float:
            raw = get(name)
            if raw is None:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"{ENV_PREFIX}{name}={raw!r} is not a number") from None
            if not low <= value <= high:
                raise ValueError(f"{ENV_PREFIX}{name}={raw!r} is outside {low:g}..{high:g}")
            return value

        port = number("CHAIN_PORT", 8545, 1, 65535)
        if port != int(port):
            raise ValueError(f"{ENV_PREFIX}CHAIN_PORT={get('CHAIN_PORT')!r} is not an integer port")
        keystore, anvil = get("CHAIN_KEYSTORE"), get("ANVIL_BIN")
        return cls(rpc_url=get("CHAIN_RPC_URL"), network=get("CHAIN_NETWORK"), port=int(port),
                   key_env=get("CHAIN_KEY_ENV") or cls.key_env, keystore=Path(keystore) if keystore else None,
                   keystore_password_env=get("CHAIN_KEYSTORE_PASSWORD_ENV") or cls.keystore_password_env,
                   recipient=get("CHAIN_RECIPIENT"),
                   receipt_timeout_s=number("CHAIN_TIMEOUT_S", 60.0, 0.1, 3600.0),
                   anvil_bin=Path(anvil) if anvil else None)
