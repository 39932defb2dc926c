"""Configuration: one typed settings object read once from environment variables.

Variables (all optional; nothing needs configuring for the embedded defaults):
    GREENOPS_DATA_DIR   data directory (default ``./var``)
    GREENOPS_DB         ledger path (default ``$GREENOPS_DATA_DIR/greenops.sqlite``)

Chain (token) variables; with none set, the embedded anvil node in ``$GREENOPS_DATA_DIR/chain`` is used,
with no unlocked account and two keys generated for the data directory on first use (admin: deploys,
holds the minted tokens, retires; minter: mints and anchors), kept as encrypted keystores in
``chain/keys/`` whose password is $GREENOPS_CHAIN_KEYSTORE_PASSWORD (the variable named by
GREENOPS_CHAIN_KEYSTORE_PASSWORD_ENV) when set, else the file ``chain/keystore-password`` (made with
mode 600 on first use; refused if group or others can read it):
    GREENOPS_CHAIN_RPC_URL              JSON-RPC URL of another node (anvil, Hardhat, a testnet); its one
                                        configured key (below) is both the tokens' admin and minter
    GREENOPS_CHAIN_NETWORK              name under which the ledger records its deployments
                                        (default ``embedded``, or the URL's ``scheme://host:port``)
    GREENOPS_CHAIN_PORT                 port of the embedded node on 127.0.0.1 (default 8545)
    GREENOPS_CHAIN_KEY_ENV              NAME of the variable holding a hex private key
                                        (default ``GREENOPS_CHAIN_PRIVATE_KEY``)
    GREENOPS_CHAIN_KEYSTORE             encrypted keystore file (eth-account / Web3 Secret Storage)
    GREENOPS_CHAIN_KEYSTORE_PASSWORD_ENV  NAME of the variable holding its password (and that of the
                                        embedded keystores; default ``GREENOPS_CHAIN_KEYSTORE_PASSWORD``)
    GREENOPS_CHAIN_RECIPIENT            address that receives minted tokens (default: the tokens' admin,
                                        the key that can retire them)
    GREENOPS_CHAIN_TIMEOUT_S            seconds to wait for a receipt (default 60)
    GREENOPS_ANVIL_BIN                  anvil binary (default: node_modules/@foundry-rs/anvil-*)
Key material itself is never part of the settings: only the names of the variables holding it.

Language model (``copilot.agent.llm`` builds it); with none set, the offline router answers:
    GREENOPS_LLM_PROVIDER   offline | openai | ollama. Default: openai if OPENAI_BASE_URL or
                            OPENAI_API_KEY is set, ollama if OLLAMA_HOST is set, else offline
    GREENOPS_LLM_MODEL      model name (default gpt-4o-mini for openai, llama3.1 for ollama)
    OPENAI_BASE_URL         OpenAI-compatible server (OpenAI, vLLM, llama.cpp server ...)
    OPENAI_API_KEY          its key ("not-needed" is sent when a local server needs none)
    OLLAMA_HOST             Ollama server URL
    GREENOPS_LLM_MAX_TOKENS answer length cap (default 800)
    GREENOPS_LLM_TIMEOUT_S  seconds to wait for one model reply before the turn says so (default 120)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ENV_PREFIX = "GREENOPS_"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration."""

    data_dir: Path
    db_path: Path
    chain: ChainSettings = field(default_factory=lambda: ChainSettings())
    llm: LLMSettings = field(default_factory=lambda: LLMSettings(provider="offline"))
    login_name: str = "cli"  # the local account ($USER, else $LOGNAME): the default actor of CLI actions

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get(f"{ENV_PREFIX}DATA_DIR") or "var")
        db_path = Path(env.get(f"{ENV_PREFIX}DB") or data_dir / "greenops.sqlite")
        login = (env.get("USER") or env.get("LOGNAME") or "").strip() or "cli"
        return cls(data_dir=data_dir, db_path=db_path, chain=ChainSettings.from_env(env),
                   llm=LLMSettings.from_env(env), login_name=login)


@dataclass(frozen=True)
class ChainSettings:
    """Where the token lives and who signs (names of secret-holding variables, never secrets).
    ``key_env`` / ``keystore`` are the configured chain's one key; the embedded node signs with its
    data directory's own keys and reads only ``keystore_password_env``."""

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


Provider = Literal["offline", "openai", "ollama"]
PROVIDERS: tuple[str, ...] = ("offline", "openai", "ollama")


class LLMConfigError(ValueError):
    """The LLM configuration is inconsistent (unknown provider, missing URL)."""


@dataclass(frozen=True)
class LLMSettings:
    """Which language model answers (none configured: the offline router)."""

    provider: Provider
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    max_tokens: int = 800
    timeout_s: float = 120.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        env = os.environ if env is None else env
        provider = (env.get("GREENOPS_LLM_PROVIDER") or "").strip().lower()
        if not provider:
            if env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY"):
                provider = "openai"
            elif env.get("OLLAMA_HOST"):
                provider = "ollama"
            else:
                provider = "offline"
        if provider not in PROVIDERS:
            raise LLMConfigError(f"GREENOPS_LLM_PROVIDER={provider!r} is not one of {', '.join(PROVIDERS)}")
        base = env.get("OPENAI_BASE_URL") if provider == "openai" else env.get("OLLAMA_HOST")
        try:
            max_tokens = int(env.get("GREENOPS_LLM_MAX_TOKENS") or 800)
        except ValueError as exc:
            raise LLMConfigError("GREENOPS_LLM_MAX_TOKENS must be an integer") from exc
        try:
            timeout_s = float(env.get("GREENOPS_LLM_TIMEOUT_S") or 120)
        except ValueError as exc:
            raise LLMConfigError("GREENOPS_LLM_TIMEOUT_S must be a number of seconds") from exc
        if not 0 < timeout_s <= 3600 or max_tokens < 1:
            raise LLMConfigError("GREENOPS_LLM_TIMEOUT_S must be in (0, 3600] and GREENOPS_LLM_MAX_TOKENS >= 1")
        return cls(provider=provider, model=env.get("GREENOPS_LLM_MODEL") or None,  # type: ignore[arg-type]
                   base_url=base or None, api_key=env.get("OPENAI_API_KEY") or None, max_tokens=max_tokens,
                   timeout_s=timeout_s)

    @property
    def label(self) -> str:
        if self.provider == "offline":
            return "offline mode (deterministic router, no LLM)"
        return f"{self.provider}: {self.model_name}" + (f" at {self.base_url}" if self.base_url else "")

    @property
    def model_name(self) -> str:
        return self.model or {"openai": "gpt-4o-mini", "ollama": "llama3.1", "offline": "offline-router"}[
            self.provider]
