"""The workflow sandbox runner of every worker and replayer: Temporal's, with each workflow
module compiled once per process.

The sandbox re-imports a workflow's module for every new run (its module state is isolated per
run). Where no bytecode is cached (``PYTHONDONTWRITEBYTECODE=1``, a read-only install) each of
those imports compiles the source again: about half of creating a run, several milliseconds per
workflow (docs/performance.md, "CPU per enrollment"). Here the module's code object is compiled
once, when the worker prepares the workflow, and every run executes that same code in a fresh
module, as from a ``.pyc``. Nothing else changes: the module is still executed anew per run, in
the sandbox, with its restrictions. A source file edited under a running worker is not picked
up by its new runs (it was not by the modules passed through either): restart the worker.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from types import CodeType, ModuleType

import temporalio.workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner


class _CompiledOnceLoader(importlib.machinery.SourceFileLoader):
    """A source loader that hands out the one code object its finder compiled for the path."""

    def __init__(self, fullname: str, path: str, finder: CompiledOnceFinder) -> None:
        super().__init__(fullname, path)
        self._finder = finder

    def get_code(self, fullname: str) -> CodeType:
        return self._finder.code(self, fullname)


class CompiledOnceFinder(importlib.abc.MetaPathFinder):
    """Finds the named modules as Python would, but loads them through ``_CompiledOnceLoader``."""

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._codes: dict[str, CodeType] = {}
        self._lock = threading.Lock()

    def add(self, module: str) -> None:
        self._names.add(module)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return spec  # not a plain source file (a zip, an extension): Python's own loading
        assert spec.origin is not None
        spec.loader = _CompiledOnceLoader(fullname, spec.origin, self)
        return spec

    def code(self, loader: _CompiledOnceLoader, fullname: str) -> CodeType:
        with self._lock:
            code = self._codes.get(loader.path)
            if code is None:
                code = importlib.machinery.SourceFileLoader.get_code(loader, fullname)
                assert code is not None
                self._codes[loader.path] = code
            return code


FINDER = CompiledOnceFinder()


def _install() -> None:
    if FINDER not in sys.meta_path:
        sys.meta_path.insert(0, FINDER)


@dataclass(frozen=True)
class CompiledOnceRunner(SandboxedWorkflowRunner):
    """Temporal's sandboxed runner; preparing a workflow registers its module with ``FINDER``."""

    def prepare_workflow(self, defn: temporalio.workflow._Definition) -> None:
        _install()
        FINDER.add(defn.cls.__module__)
        super().prepare_workflow(defn)
