"""The one-way arrows of ``ARCHITECTURE.md``, checked on the source (``ast``, nothing imported):

* the language server (``shapelens/server/``), the CLI (``shapelens/cli.py``), ``report.py`` and
  ``ci_formats.py`` (SARIF and GitHub output of ``check``) and ``ipython_magic.py`` use only the
  analyser's public API — the names ``shapelens.analyser`` exports in ``__all__`` — plus public
  modules of ``shapelens.engine``, ``shapelens.report`` and ``shapelens.ci_formats`` (and ``shapelens.__version__``); never
  ``shapelens.analyser.<module>``, never a private name, never another object's private attribute
  (their own ``self._x`` and ``super()._x`` aside);
* the engine imports nothing else of ShapeLens; the analyser imports only the engine;
* the analyser's modules import one another without cycles (at module level).
"""

from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "server" / "shapelens"


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: pathlib.Path, top_level_only: bool = False):
    """``(line, imported module, [names])`` for every import of one file, relative ones resolved."""
    tree = ast.parse(path.read_text(), str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [alias.name for alias in node.names]
            if node.module is None:        # ``from . import settings``: each name is a module
                for name in names:
                    yield node.lineno, f"{module}.{name}", []
            else:
                yield node.lineno, module, names


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _analyser_exports() -> set:
    tree = ast.parse((PACKAGE / "analyser" / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("shapelens/analyser/__init__.py has no __all__")


FRONT_ENDS = sorted((PACKAGE / "server").glob("*.py")) + [PACKAGE / "cli.py", PACKAGE / "report.py",
                                                          PACKAGE / "ci_formats.py", PACKAGE / "ipython_magic.py"]


def _front_end_violations(path: pathlib.Path) -> list[str]:
    exports = _analyser_exports()
    own = _module_name(path)
    problems = []
    for line, module, names in _imports(path):
        where = f"{path.relative_to(PACKAGE.parent)}:{line}"
        if module != "shapelens" and not module.startswith("shapelens."):
            continue                                    # the standard library, pygls, lsprotocol
        if any(_private(part) for part in module.split(".")):
            problems.append(f"{where}: private module {module}")
        if any(_private(n) for n in names):
            problems.append(f"{where}: private name from {module}: {names}")
        if module == "shapelens.__version__":
            pass
        elif module == "shapelens.analyser":
            if not names:
                problems.append(f"{where}: import the analyser's names, not the package")
            elif set(names) - exports:
                problems.append(f"{where}: not in shapelens.analyser.__all__: {sorted(set(names) - exports)}")
        elif module.startswith("shapelens.analyser."):
            problems.append(f"{where}: {module} is the analyser's inside (use shapelens.analyser)")
        elif module == "shapelens.engine" or module.startswith("shapelens.engine."):
            pass
        elif module in ("shapelens.report", "shapelens.ci_formats"):
            pass
        elif module == "shapelens.server" or module.startswith("shapelens.server."):
            if own == "shapelens.cli" and module not in ("shapelens.server",):
                problems.append(f"{where}: the CLI starts the server through shapelens.server only")
        else:
            problems.append(f"{where}: {module} is not one the server or the CLI may use")
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = node.value
            is_super = isinstance(owner, ast.Call) and getattr(owner.func, "id", None) == "super"
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")) and not is_super:
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: another object's "
                                f"private attribute .{node.attr}")
    return problems


@pytest.mark.parametrize("path", FRONT_ENDS, ids=lambda p: _module_name(p))
def test_server_and_cli_use_only_public_api(path):
    assert _front_end_violations(path) == []


def test_the_rule_catches_violations(tmp_path, monkeypatch):
    """The check itself: a module breaking each part of the rule is reported on each."""
    server = PACKAGE / "server"
    bad = server / "_architecture_probe.py"
    bad.write_text("from ..analyser.recorder import Recorder\nfrom ..analyser import _secret, Span\n"
                   "from ..engine.shape import _private_helper\nfrom .. import workspace_x\n"
                   "def f(recorder):\n    return recorder._uids\n")
    try:
        problems = "\n".join(_front_end_violations(bad))
    finally:
        bad.unlink()
    for expected in ("shapelens.analyser.recorder is the analyser's inside", "private name from shapelens.analyser",
                     "not in shapelens.analyser.__all__", "private name from shapelens.engine.shape",
                     "shapelens.workspace_x is not one", "private attribute ._uids"):
        assert expected in problems


def _package_imports(folder: str):
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for line, module, _names in _imports(path):
            if module.startswith("shapelens"):
                yield path, line, module


def test_engine_imports_nothing_else_of_shapelens():
    outside = [f"{p.relative_to(PACKAGE.parent)}:{line}: {m}" for p, line, m in _package_imports("engine")
               if not m.startswith("shapelens.engine")]
    assert outside == []


def test_analyser_imports_only_the_engine():
    outside = [f"{p.relative_to(PACKAGE.parent)}:{line}: {m}" for p, line, m in _package_imports("analyser")
               if not (m.startswith("shapelens.analyser") or m.startswith("shapelens.engine"))]
    assert outside == []


def test_analyser_modules_have_no_import_cycle():
    graph: dict = {}
    for path in sorted((PACKAGE / "analyser").glob("*.py")):
        name = _module_name(path)
        graph[name] = {m for _line, m, _n in _imports(path, top_level_only=True)
                       if m.startswith("shapelens.analyser.") and m != name}
    state: dict = {}
    cycles = []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []
