"""The test harness itself: a missing component skips locally and fails under CI."""

from __future__ import annotations

import pytest

from tests.conftest import skip_or_fail


def test_missing_component_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="anvil binary not found"):
        skip_or_fail("anvil binary not found")


def test_missing_component_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so this is a failure"):
        skip_or_fail("chromium not found")


def test_optional_component_still_skips_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail("real data not found", required_in_ci=False)
