"""A real local model server for the tests (``pytest_plugins = ["tests.llm_fixtures"]``): llama.cpp's
OpenAI-compatible server (``llama-cpp-python``, the ``llm-test`` extra) serving SmolLM2-135M-Instruct
from ``.cache/models`` (``make model``) on a free loopback port, started once per test session and
stopped after. Without the package or the weights the tests skip, printing why (under CI: fail)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from copilot.services.local_llm import LocalModelConfig, LocalModelError, LocalModelServer, start_local_server
from tests.conftest import skip_or_fail
from tools.chain.node import free_port


@pytest.fixture(scope="session")
def local_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelServer]:
    config = LocalModelConfig.from_env()
    why = config.missing()
    if why:
        skip_or_fail(why)
    try:
        server = start_local_server(config, free_port(), tmp_path_factory.mktemp("llm") / "server.log")
    except LocalModelError as exc:
        skip_or_fail(f"the local model server did not start: {exc}")
    print(f"local model server {server.model} at {server.base_url}, loaded in {server.load_seconds} s")
    try:
        yield server
    finally:
        server.stop()
