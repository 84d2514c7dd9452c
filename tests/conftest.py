"""Test set-up: real Keras (the oracle) runs on the CPU with the JAX backend; the shared helpers
at this folder's root (``keras_oracle``, ``model_oracle``, ``oracle_compare``, ``jsonrpc_wire``,
``test_server_helpers``) are importable from every sub-folder; and every test is marked by what
it needs, from what its module imports and where it lives:

* ``oracle`` — runs real Keras (imports ``keras``, ``keras_oracle``, ``model_oracle`` or
  ``oracle_compare``);
* ``editor`` — starts the language server and talks LSP to it as an editor does (imports
  ``test_server_helpers``, ``jsonrpc_wire`` or ``pytest_lsp``);
* ``slow`` — every ``oracle`` and ``editor`` test, everything under ``robustness/``, and tests
  marked ``slow`` by hand.  ``pytest -m "not slow"`` is the inner loop (README, "Testing").
"""

import ast
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))

pytest.register_assert_rewrite("oracle_compare", "keras_oracle", "model_oracle")

_ORACLE = {"keras", "keras_oracle", "model_oracle", "oracle_compare"}
_EDITOR = {"test_server_helpers", "jsonrpc_wire", "pytest_lsp"}


def _imported(path: Path) -> set:
    """Top-level names of the modules a test module imports (anywhere in it)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _module_marks(path: Path) -> set:
    imported = _imported(path)
    marks = set()
    if imported & _ORACLE:
        marks.add("oracle")
    if imported & _EDITOR:
        marks.add("editor")
    if marks or (TESTS / "robustness") in path.parents:
        marks.add("slow")
    return marks


def pytest_collection_modifyitems(config, items):
    cache: dict = {}
    for item in items:
        path = Path(str(item.path))
        if path not in cache:
            cache[path] = _module_marks(path)
        marks = cache[path]
        if "slow" not in marks and item.get_closest_marker("slow") is None and (
                item.get_closest_marker("oracle") or item.get_closest_marker("editor")):
            marks = marks | {"slow"}
        for name in sorted(marks):
            item.add_marker(name)
