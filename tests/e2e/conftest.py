"""Fixtures of the browser tests: the app started as `python app.py ui` on a free loopback port,
Debian's chromium driven by Playwright (never a downloaded browser), screenshots as artefacts.

Each test session gets its own data directory (ledger, checkpoints, chain state) and free ports
for the app and the embedded anvil node; everything started here is stopped here. Without a
chromium binary (or the playwright package) the browser tests skip with the reason printed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, skip_or_fail
from tools.chain.node import AnvilNode, free_port

ARTIFACTS = REPO / "tests" / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
START_TIMEOUT_S = 120.0
UI_TIMEOUT_MS = 180_000
"""Every wait of these tests, actions and assertions alike: a plan -> execute -> verify turn or a
mint preview (which starts the chain and deploys the tokens) can take well over Playwright's
default 5 s on a loaded 2-core machine, and no test may depend on machine speed."""


def chromium_or_skip() -> str:
    """Debian's chromium (``$GREENOPS_CHROMIUM`` overrides); skip with the reason when absent."""
    found = os.environ.get("GREENOPS_CHROMIUM") or shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        skip_or_fail("chromium not found (install Debian's package: apt-get install chromium; `make test` does)")
    return found


USERS = {"admin": ("admin", "admin-pass-1234"), "alice": ("approver", "alice-pass-1234"),
         "bob": ("approver", "bob-pass-12345"), "olga": ("operator", "olga-pass-1234"),
         "vic": ("viewer", "vic-pass-12345")}
"""Who the browser tests log in as: name -> (role, password), created with the CLI before the app
starts (so the app's first start creates no admin of its own)."""


def add_users(env: dict[str, str]) -> None:
    """Create USERS with `app.py users add` (the first admin without --as, then as admin)."""
    for name, (role, password) in USERS.items():
        admin = [] if name == "admin" else ["--as", "admin"]
        stdin = f"{password}\n" if name == "admin" else f"{USERS['admin'][1]}\n{password}\n"
        proc = subprocess.run([sys.executable, "app.py", "users", "add", name, "--role", role, *admin,
                               "--password-stdin", "--json"], cwd=REPO, env=env, input=stdin,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr


@dataclass
class App:
    """The running app under test."""

    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def db(self) -> Path:
        return self.data_dir / "greenops.sqlite"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``python app.py ARGS`` against the app's data directory."""
        return subprocess.run([sys.executable, "app.py", *args], cwd=REPO, env=self.env, capture_output=True,
                              text=True, timeout=180)


def _wait_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer at {url} within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """`python app.py ui` on a free port, with its own data dir and chain port; stopped at the end."""
    chromium_or_skip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "OLLAMA_", "GREENOPS_"))}
    env.update({"GREENOPS_LLM_PROVIDER": "offline", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"})
    yield from serve_app(tmp_path_factory.mktemp("ui-data"), env)


def serve_app(data: Path, base_env: dict[str, str]) -> Iterator[App]:
    """Run `python app.py ui` on a free port over the data directory ``data`` (its own chain port, the
    test users added first) until the generator is closed; the app and its chain node are stopped."""
    port = free_port()
    env = {**base_env, "GREENOPS_DATA_DIR": str(data), "GREENOPS_CHAIN_PORT": str(free_port())}
    log = data / "app.log"
    add_users(env)
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "ui", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_up(url, proc, log)
        yield App(url=url, data_dir=data, env=env, process=proc, log=log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        AnvilNode(data / "chain").stop()


@pytest.fixture(scope="session")
def browser(app: App) -> Iterator[Any]:
    """Headless Debian chromium through Playwright's sync API."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed (pip install -e '.[dev]')")
    pw = sync_playwright().start()
    try:
        chrome = pw.chromium.launch(executable_path=chromium_or_skip(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chrome
        finally:
            chrome.close()
    finally:
        pw.stop()


def login(page: Any, name: str, password: str) -> None:
    """Fill Gradio's login form."""
    page.get_by_label("username").fill(name)
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()


def open_page(browser: Any, app: App, user: str = "alice") -> tuple[Any, Any]:
    """A new browser context (a new UI session) logged in as ``user``, once its thread id is set."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    page.goto(app.url)
    login(page, user, USERS[user][1])
    page.locator("#thread-id").get_by_text("ui-").wait_for()
    return context, page


@contextmanager
def logged_in(browser: Any, app: App, user: str = "alice") -> Iterator[Any]:
    """A page of a new UI session logged in as ``user`` (``open_page``); its context closed after."""
    context, page = open_page(browser, app, user)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, app: App) -> Iterator[Any]:
    """A session of alice, an approver."""
    with logged_in(browser, app) as session:
        yield session


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/screenshots (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
