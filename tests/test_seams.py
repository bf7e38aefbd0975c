"""The two seams hold: across Temporal every activity is called through one typed step named by
the one enum, every workflow id comes from the ids module, updates go by method reference; across
the store, only store/ builds SQL, and operations never reach into activities."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_type_hints

from temporalio import activity

from cair.domain.contracts.activities import Activity
from cair.settings import Settings
from cair.store.database import Database
from cair.worker import build_activities
from cair.workflows.steps import RETRY_POLICIES, Steps
from tests.helpers.paths import ROOT

CAIR = ROOT / "cair"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _modules(package: str) -> list[Path]:
    return sorted((CAIR / package).rglob("*.py"))


def test_only_the_store_builds_sql() -> None:
    for package in ("operations", "activities", "workflows", "domain", "cli"):
        for path in _modules(package):
            offending = {m for m in _imports(path) if m.split(".")[0] == "sqlalchemy"}
            assert not offending, f"{path.relative_to(ROOT)} imports {offending}"


def test_dependency_direction() -> None:
    rules = {
        "operations": ("cair.activities",),
        "workflows": ("cair.activities", "cair.store", "cair.operations", "cair.web", "cair.cli"),
        "domain": ("cair.activities", "cair.store", "cair.operations", "cair.workflows"),
        "activities": ("cair.operations", "cair.workflows", "cair.web", "cair.cli"),
        "store": ("cair.activities", "cair.operations", "cair.workflows", "cair.web", "cair.cli"),
    }
    for package, forbidden in rules.items():
        for path in _modules(package):
            bad = {m for m in _imports(path) if m.startswith(forbidden)}
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_workflow_ids_are_formatted_only_in_the_ids_module() -> None:
    pattern = re.compile(r"""f["'](enrollment|org|user|sign-in|credentials)-\{[^}]*\}(?!\.json)""")
    for path in sorted(CAIR.rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py")):
        if path.name == "ids.py" or path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert not pattern.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


def test_updates_queries_and_signals_go_by_method_reference() -> None:
    pattern = re.compile(r"""\.(execute_update|start_update|query|signal)\(\s*["']""")
    for path in sorted(CAIR.rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py")):
        if path == Path(__file__):
            continue
        text = path.read_text()
        assert not pattern.search(text), f"{path.relative_to(ROOT)} sends a message by name"


def test_every_activity_is_registered_once_under_its_enum_name(tmp_path: Path) -> None:
    names = [_name(fn) for fn in _implementations(tmp_path)]
    assert sorted(names) == sorted(a.value for a in Activity)
    assert set(RETRY_POLICIES) == set(Activity)


def test_each_step_has_the_types_of_its_activity(tmp_path: Path) -> None:
    """The workflows' typed call and the implementation agree on input and output types, so
    the type checker's view of one is the truth of the other."""
    for implementation in _implementations(tmp_path):
        name = _name(implementation)
        step = getattr(Steps, name)
        step_hints = get_type_hints(step)
        implementation_hints = get_type_hints(implementation)
        step_params = [  # keyword-only options (``local``) say how to run it, not what
            name
            for name, p in inspect.signature(step).parameters.items()
            if name != "self" and p.kind != inspect.Parameter.KEYWORD_ONLY
        ]
        implementation_params = list(inspect.signature(implementation).parameters)
        assert len(step_params) == len(implementation_params) == 1, name
        assert step_hints[step_params[0]] == implementation_hints[implementation_params[0]], name
        assert step_hints["return"] == implementation_hints["return"], name


def _name(implementation: Callable[..., Any]) -> str:
    return str(activity._Definition.must_from_callable(implementation).name)


def _implementations(var_dir: Path) -> list[Callable[..., Any]]:
    settings = Settings(_env_file=None, var_dir=var_dir)
    return build_activities(Database(settings), settings)


def test_no_module_grows_past_three_hundred_lines_without_a_reason() -> None:
    """A long module says why in its first lines (``# long because: …``)."""
    for path in sorted(CAIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = path.read_text().splitlines()
        if len(lines) > 320:
            assert any("long because:" in line for line in lines[:15]), (
                f"{path.relative_to(ROOT)} has {len(lines)} lines"
            )


def test_tests_share_only_through_the_helpers() -> None:
    """No test module or conftest imports from a test module or a conftest: pytest imports
    those itself, under its own rules; what tests share lives in tests/helpers."""
    for path in sorted((ROOT / "tests").rglob("*.py")):
        shared = {m for m in _imports(path) if m.split(".")[0] == "tests"}
        wrong = {m for m in shared if re.search(r"(^|\.)(test_\w+|conftest)$", m)}
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"
