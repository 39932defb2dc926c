"""The layout's rules, checked on every import statement and string of the product's code.

The layer contracts themselves (app -> copilot -> models -> tools; cli -> ui -> agent -> services
-> policy -> settings; pure tools import no adapter; only services reaches the ledger and the
chain; no cycles between sibling packages) are import-linter contracts in pyproject.toml, run
here and by ``make lint``. The checks below are the ones import-linter cannot express: where SQL
may be written, who may open the ledger or the chain, module-level import cycles, app.py's one
import, and status lists copied by hand.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

from tests.conftest import REPO
from tools.records import RecStatus
from tools.schemas import PolicyStatus
from tools.tokens import MintStatus

PACKAGES = ("tools", "copilot", "models")
SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)|"
                 r"DROP\s+(TABLE|INDEX)|ALTER\s+TABLE|PRAGMA)\b")
DB_METHODS = {"query", "execute", "executemany", "table", "conn", "atomic", "table_names"}


def product_files() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((REPO / package).rglob("*.py"))
    yield REPO / "app.py"


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every string constant, and every f-string's literal text, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            yield node.lineno, text


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def test_import_linter_contracts_are_kept() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]); the output names every broken import."""
    proc = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(REPO),
                                                                            "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "broken" not in proc.stdout.lower().replace("0 broken", "")


def test_sql_is_written_only_in_tools_ledger() -> None:
    offenders = [f"{relative(f)}:{line}: {text.strip()[:60]!r}" for f in product_files()
                 if not relative(f).startswith("tools/ledger/")
                 for line, text in strings(parsed(f)) if SQL.search(text)]
    assert offenders == []


def test_only_tools_ledger_touches_the_database_handle() -> None:
    """``ledger.db.<query/execute/table/...>`` (sqlite-utils) appears nowhere else."""
    offenders = []
    for f in product_files():
        if relative(f).startswith("tools/ledger/"):
            continue
        for node in ast.walk(parsed(f)):
            if (isinstance(node, ast.Attribute) and node.attr in DB_METHODS and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "db"):
                offenders.append(f"{relative(f)}:{node.lineno}: .db.{node.attr}")
    assert offenders == []


def calls_to(tree: ast.AST, names: set[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in names:
                yield node.lineno, func.id
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names:
                yield node.lineno, f"{func.value.id}.{func.attr}"


@pytest.mark.parametrize(("opened", "home"), [
    ({"Ledger"}, {"copilot/services/storage.py"}),
    ({"ChainClient", "AnvilNode"}, {"copilot/services/chain.py"}),
])
def test_only_services_open_the_ledger_and_the_chain(opened: set[str], home: set[str]) -> None:
    """Outside tools/ (whose adapters define them), only one service module constructs each."""
    offenders = [f"{relative(f)}:{line}: {what}(...)" for f in product_files()
                 if relative(f).startswith(("copilot/", "models/", "app.py")) and relative(f) not in home
                 for line, what in calls_to(parsed(f), opened)]
    assert offenders == []


def test_app_py_imports_only_the_cli() -> None:
    imported = set()
    for node in ast.walk(parsed(REPO / "app.py")):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert {m for m in imported if m.split(".")[0] in PACKAGES} == {"copilot.cli.main"}


def test_no_import_cycles_between_modules() -> None:
    """Tarjan's strongly connected components over every import (inside functions too)."""
    graph = grimp.build_graph(*PACKAGES)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in edges.get(m, ()):
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            component = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                component.append(n)
                if n == m:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert cycles == []


@pytest.mark.parametrize("enum", [RecStatus, MintStatus, PolicyStatus])
def test_statuses_are_never_copied_by_hand(enum: type[RecStatus | MintStatus | PolicyStatus]) -> None:
    """No list of two or more status strings (a tuple, list or set literal, or an SQL ``IN (...)``)
    outside the enum; code names the members (``RecStatus.PROPOSED``) or derives from the enum."""
    values = {str(v) for v in enum}
    offenders = []
    for f in product_files():
        tree = parsed(f)
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                found = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in values]
                if len(found) >= 2:
                    offenders.append(f"{relative(f)}:{node.lineno}: {found}")
        for line, text in strings(tree):
            quoted = re.findall(r"'(\w+)'", text)
            if SQL.search(text) and "status" in text and any(q in values for q in quoted):
                offenders.append(f"{relative(f)}:{line}: status written into SQL: {text[:60]!r}")
    assert offenders == []


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    """The detectors above fire on a planted offender (so an empty result means something)."""
    planted = ast.parse('Q = "SELECT status FROM recommendations WHERE status IN (\'proposed\', \'approved\')"\n'
                        'x = ledger.db.query(Q)\nL = ("proposed", "approved")\nl = Ledger(path)\n')
    assert any(SQL.search(text) for _, text in strings(planted))
    assert any(isinstance(n, ast.Attribute) and n.attr == "query" and isinstance(n.value, ast.Attribute)
               and n.value.attr == "db" for n in ast.walk(planted))
    assert list(calls_to(planted, {"Ledger"})) == [(4, "Ledger")]
    tuples = [n for n in ast.walk(planted) if isinstance(n, ast.Tuple)]
    assert [e.value for e in tuples[0].elts] == ["proposed", "approved"]
