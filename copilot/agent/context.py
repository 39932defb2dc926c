"""What the copilot's tools need to know: where the ledger is and the settings (chain, data dir)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from copilot.services.storage import LedgerHandle, open_ledger
from copilot.settings import Settings


@dataclass
class ToolContext:
    """Where the tools read and write."""

    db_path: Path
    settings: Settings

    def ledger(self) -> LedgerHandle:
        """The ledger (a context manager: ``with ctx.ledger() as ledger:``)."""
        return open_ledger(self.db_path)

    @property
    def models_dir(self) -> Path:
        """Trained forecasters, ``$GREENOPS_DATA_DIR/models``."""
        return self.settings.data_dir / "models"
