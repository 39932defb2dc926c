"""Configuration: one typed settings object read once from environment variables.

Variables (all optional; nothing needs configuring for the embedded defaults):
    GREENOPS_DATA_DIR   data directory (default ``./var``)
    GREENOPS_DB         ledger path (default ``$GREENOPS_DATA_DIR/greenops.sqlite``)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_PREFIX = "GREENOPS_"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration."""

    data_dir: Path
    db_path: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get(f"{ENV_PREFIX}DATA_DIR") or "var")
        db_path = Path(env.get(f"{ENV_PREFIX}DB") or data_dir / "greenops.sqlite")
        return cls(data_dir=data_dir, db_path=db_path)
