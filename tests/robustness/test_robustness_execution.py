"""ShapeLens never executes or imports the code it analyses.

Fixtures (``tests/robustness/exec/``) are Keras model files whose top-level code, helpers,
default arguments, decorators, class bodies, ``__init__``/``build``/``call``, lambdas, f-strings,
comprehensions and imports (``import os; os.system``, ``__import__``, ``exec``, ``eval``,
``compile``, ``open(marker, "w")``, ``socket.connect``, ``importlib.import_module``, ``runpy``,
``from . import evil`` with an evil sibling package) would each leave a marker file in a
directory, or connect to a listening socket, if any of it ran.  They are analysed

* in-process through ``analyse_source`` with ``workspace.module_loader`` (so sibling modules are
  read and followed), under a ``sys.addaudithook`` hook that records every write-open, process
  start, ``exec`` of a code object, socket connect and import of a fixture module;
* through the CLI (``shapelens check --format json``, ``shapelens summary``) in a subprocess;
* through the language server (``python -m shapelens serve`` started in the project, as VS Code
  starts it): every file opened, edited, its hints and hovers requested, then closed;

and the marker directory must stay empty, the socket must see no connection.  A sanity test runs
the same fixtures under real Python (with Keras) to prove every marker really fires.  A static
test parses ShapeLens's own source and rejects calls that could execute code.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from shapelens.analyser import analyse_source, module_loader

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
FIXTURES = TESTS / "robustness" / "exec"
PACKAGE = REPO / "server" / "shapelens"
SHAPELENS = Path(sys.executable).parent / "shapelens"

# fixture file -> module-level model variables the analysis must find
MAIN_FILES = {
    "toplevel_effects.py": ["model"],
    "functions_effects.py": ["model", "net"],
    "imports_effects.py": ["model"],
    "pkg/main_relative.py": ["model"],
}
FIXTURE_MODULES = {"marker_module", "marker_pkg", "marker_pkg.evil", "pkg", "pkg.evil", "evil",
                   "runpy_target", "toplevel_effects", "functions_effects", "imports_effects"}


# ---- the prepared project: fixtures with a real marker directory and port ------------------

class Project:
    def __init__(self, root: Path, markers: Path, listener: socket.socket):
        self.root = root
        self.markers = markers
        self.listener = listener

    def fired(self) -> list[str]:
        found = sorted(p.name for p in self.markers.iterdir())
        try:
            conn, _ = self.listener.accept()
            conn.close()
            found.append("<socket connection>")
        except (BlockingIOError, socket.timeout):
            pass
        return found


@pytest.fixture
def project(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    markers = tmp_path / "markers"
    markers.mkdir()
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES, root)
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("__MARKER_DIR__", str(markers)).replace("__PORT__", str(port)),
                        encoding="utf-8")
    yield Project(root, markers, listener)
    listener.close()


# ---- an audit hook that records dangerous events while a flag is set -------------------------

class _Audit:
    active = False
    events: list = []


_DANGEROUS = {"os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
              "os.forkpty", "pty.spawn", "socket.connect", "exec", "ctypes.dlopen", "os.startfile",
              "os.kill", "os.remove", "os.rename", "shutil.rmtree", "os.mkdir", "os.chmod"}


def _audit_hook(event, args):
    if not _Audit.active:
        return
    if event == "exec":
        # importing ShapeLens's own lazily-loaded modules (or stdlib ones) execs their code;
        # anything else -- the analysed project's code, or source text compiled on the fly -- is not
        filename = getattr(args[0], "co_filename", "") if args else ""
        trusted = (str(PACKAGE), sys.prefix, sys.base_prefix, sys.exec_prefix)
        if not (os.path.isfile(filename) and filename.startswith(trusted)):
            _Audit.events.append((event, filename))
    elif event in _DANGEROUS:
        _Audit.events.append((event, repr(args)[:200]))
    elif event == "open":
        path, mode, flags = (list(args) + [None, None, None])[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
        if writing:
            _Audit.events.append((event, repr(args)[:200]))
    elif event == "import":
        name = args[0] if args else ""
        if isinstance(name, str) and (name in FIXTURE_MODULES or name.split(".")[0] in FIXTURE_MODULES):
            _Audit.events.append((event, name))


sys.addaudithook(_audit_hook)


def _analyse_audited(path: Path):
    text = path.read_text(encoding="utf-8")
    analyse_source(text, str(path), module_loader(str(path)))   # warm-up: lazy imports of ShapeLens itself
    before = set(sys.modules)
    _Audit.events = []
    _Audit.active = True
    try:
        analysis = analyse_source(text, str(path), module_loader(str(path)))
    finally:
        _Audit.active = False
    new_modules = sorted(m for m in set(sys.modules) - before
                         if m in FIXTURE_MODULES or m.split(".")[0] in FIXTURE_MODULES)
    return analysis, list(_Audit.events), new_modules


# ---- in-process ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MAIN_FILES))
def test_analyse_source_never_executes(project, name):
    path = project.root / name
    analysis, events, new_modules = _analyse_audited(path)
    assert events == [], f"dangerous events while analysing {name}: {events}"
    assert new_modules == [], f"analysing {name} imported {new_modules}"
    assert project.fired() == [], f"analysing {name} ran its code: markers {project.fired()}"
    found = [m.variable for m in analysis.models]
    for variable in MAIN_FILES[name]:
        assert variable in found, f"{name}: model {variable!r} not found (got {found})"
    errors = [d for d in analysis.diagnostics if d.severity == "error"]
    assert errors == [], f"{name} is valid Keras code, yet: {errors}"


def test_sibling_modules_are_followed_not_imported(project):
    """``from marker_module import block``: the helper's layers are seen (its Dense(8) gives the
    next layer an 8-wide input), and still nothing in the module ran."""
    analysis, events, new_modules = _analyse_audited(project.root / "imports_effects.py")
    assert events == [] and new_modules == [] and project.fired() == []
    model = next(m for m in analysis.models if m.variable == "model")
    classes = [row.class_name for row in model.rows]
    assert classes.count("Dense") >= 2, classes
    assert model.rows[-1].params == 8 * 2 + 2, [(r.name, r.output_shape, r.params) for r in model.rows]


def test_relative_import_of_evil_sibling(project):
    analysis, events, new_modules = _analyse_audited(project.root / "pkg" / "main_relative.py")
    assert events == [] and new_modules == [] and project.fired() == []
    model = next(m for m in analysis.models if m.variable == "model")
    # `from .evil import block` is followed: block's Dense(8) on the 16-wide input, then Dense(2)
    assert [r.params for r in model.rows if r.class_name == "Dense"] == [16 * 8 + 8, 8 * 2 + 2]


def test_whole_tree_then_markers_still_absent(project):
    """Every .py in the tree (the evil modules themselves included) analysed as a main file."""
    for path in sorted(project.root.rglob("*.py")):
        analysis, events, new_modules = _analyse_audited(path)
        assert events == [] and new_modules == [], (path.name, events, new_modules)
    assert project.fired() == []


# ---- through the CLI ---------------------------------------------------------------------------

def _cli(args, cwd, python_m=False, env_extra=None):
    env = dict(os.environ)
    env.pop("PYTHONSAFEPATH", None)
    env.update(env_extra or {})
    command = [sys.executable, "-m", "shapelens", *args] if python_m else [str(SHAPELENS), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_cli_check_json_never_executes(project):
    proc = _cli(["check", "--format", "json", str(project.root)], cwd=project.root)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr)
    data = json.loads(proc.stdout)
    assert len(data["files"]) == len(list(project.root.rglob("*.py")))
    assert project.fired() == []


def test_cli_check_in_pool_never_executes(project):
    """``--jobs 2``: the worker processes analyse the same files, and run none of them."""
    proc = _cli(["check", "--jobs", "2", "--format", "json", str(project.root)], cwd=project.root)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr)
    data = json.loads(proc.stdout)
    assert len(data["files"]) == len(list(project.root.rglob("*.py")))
    assert project.fired() == []


def test_cli_summary_never_executes(project):
    files = [str(project.root / name) for name in sorted(MAIN_FILES)]
    proc = _cli(["summary", *files], cwd=project.root)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert project.fired() == []


# ---- through the language server -------------------------------------------------------------

async def _serve_project(project) -> dict:
    """Open every .py file of the project in a server started in it; edit each once (a new
    line at the end), ask for hints everywhere and a hover on every line. Returns
    ``{file: hint labels}``."""
    from lsprotocol import types

    from test_server_helpers import EVERYTHING, init_params, make_client, open_document

    client = make_client()
    env = dict(os.environ)
    env.pop("PYTHONSAFEPATH", None)
    await client.start_io(sys.executable, "-m", "shapelens", "serve", cwd=str(project.root), env=env)
    labels = {}
    try:
        await client.initialize_session(init_params("visual-studio-code", project.root))
        for path in sorted(project.root.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            uri = await open_document(client, path, text)
            lines = text.split("\n")
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                [types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(len(lines) - 1, 0), types.Position(len(lines) - 1, 0)),
                    text="\n")]))
            hints = await client.text_document_inlay_hint_async(
                types.InlayHintParams(types.TextDocumentIdentifier(uri), EVERYTHING))
            for line, content in enumerate(lines):
                for character in {0, len(content) // 2, max(len(content) - 2, 0)}:
                    await client.text_document_hover_async(types.HoverParams(
                        types.TextDocumentIdentifier(uri), types.Position(line, character)))
            labels[str(path.relative_to(project.root))] = [h.label for h in hints or []]
            client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
        assert client.server_errors() == []
    finally:
        await client.shutdown_session()
    return labels


@pytest.mark.asyncio
async def test_language_server_never_executes(project):
    labels = await _serve_project(project)
    assert project.fired() == [], f"the language server ran analysed code: markers {project.fired()}"
    assert len(labels) == len(list(project.root.rglob("*.py")))
    for name in MAIN_FILES:                      # it did analyse them: each shows its models
        assert any(label.startswith("Model: ") for label in labels[name]), (name, labels[name])


SHADOWED = ["json", "argparse", "ast", "dataclasses", "textwrap", "tokenize", "stat", "shutil"]


def _shadow_cwd(project) -> Path:
    """A workspace whose files shadow modules ShapeLens imports *after* interpreter start-up."""
    cwd = project.root / "shadow"
    cwd.mkdir()
    for name in SHADOWED:
        (cwd / f"{name}.py").write_text(
            f"open({str(project.markers / ('shadow_' + name))!r}, 'w').close()\n", encoding="utf-8")
    (cwd / "model.py").write_text(
        "import keras\nx = keras.Input((4,))\nm = keras.Model(x, keras.layers.Dense(2)(x))\n", encoding="utf-8")
    return cwd


def test_console_script_does_not_import_cwd_modules(project):
    cwd = _shadow_cwd(project)
    proc = _cli(["check", "model.py"], cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    assert project.fired() == []


def test_python_dash_m_does_not_import_cwd_modules(project):
    """Finding F16: ``python -m shapelens`` (how editors/vscode starts the server, with the
    workspace as cwd) puts the cwd first on sys.path, so a workspace ``json.py`` runs."""
    cwd = _shadow_cwd(project)
    proc = _cli(["check", "model.py"], cwd=cwd, python_m=True)
    assert project.fired() == [], f"python -m shapelens executed workspace files: {project.fired()}"
    assert proc.returncode == 0, proc.stderr[-2000:]


# modules imported before (or while) Python runs ``python -m``'s target, and ShapeLens itself
SHADOWED_AT_START = ["shapelens", "importlib", "runpy", "pkgutil", "types", "enum", "functools", "re",
                     "typing", "logging", "threading", "asyncio", "pygls", "lsprotocol", "cattrs", "attrs"]


def _editor_commands(bundle: Path) -> dict:
    """How each editor starts the server: VS Code's ``<python> -c <SAFE_PATH>…`` (read from
    ``editors/vscode/src/config.ts``; ``shapelens.importStrategy: fromEnvironment``), VS Code's
    bundled server ``<python> -I bundled/tool/launch.py`` (the default, ``useBundled``: a bundle
    laid out in ``bundle`` as packaging does, its dependencies from this interpreter) and Neovim's
    console script."""
    config = (REPO / "editors" / "vscode" / "src" / "config.ts").read_text(encoding="utf-8")
    safe_path = re.search(r"export const SAFE_PATH = '(.*)';", config).group(1)
    code = f"{safe_path}; from shapelens.cli import main; sys.exit(main())"
    launcher = bundle / "tool" / "launch.py"
    if not launcher.exists():
        launcher.parent.mkdir(parents=True)
        shutil.copy(REPO / "editors" / "vscode" / "bundled" / "tool" / "launch.py", launcher)
        shutil.copytree(REPO / "server" / "shapelens", bundle / "libs" / "shapelens",
                        ignore=shutil.ignore_patterns("__pycache__"))
    return {"vscode": [sys.executable, "-c", code, "serve"], "vscode-bundled": [sys.executable, "-I", str(launcher), "serve"],
            "neovim": [str(SHAPELENS), "serve"]}


@pytest.mark.parametrize("editor", ["vscode", "vscode-bundled", "neovim"])
def test_editors_start_the_server_without_the_workspace_on_sys_path(project, editor):
    """Issue 13, failure 5: editors start the server in the workspace folder.  With ``python -m``
    the folder comes first on ``sys.path`` before any of our code runs, so a workspace
    ``shapelens.py`` or ``importlib.py`` was imported (run) — PYTHONSAFEPATH, which the extension
    set, does not exist before Python 3.11, so it is not set here."""
    from jsonrpc_wire import RawServer

    cwd = _shadow_cwd(project)
    for name in SHADOWED_AT_START:
        (cwd / f"{name}.py").write_text(
            f"open({str(project.markers / ('shadow_' + name))!r}, 'w').close()\n", encoding="utf-8")
    env = dict(os.environ)
    env.pop("PYTHONSAFEPATH", None)
    server = RawServer(cwd=cwd, env=env, command=_editor_commands(project.root.parent / "bundled")[editor])
    try:
        server.initialize(cwd.as_uri())
        uri = (cwd / "model.py").as_uri()
        server.open(uri, (cwd / "model.py").read_text(encoding="utf-8"))
        reply = server.call("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 10, "character": 0}}})
        assert [hint["label"] for hint in reply["result"]][-1].startswith("Model: 10 params"), reply
        assert server.call("shutdown")["result"] is None
        server.notify("exit")
        assert server.exit_code(30) == 0
    finally:
        server.kill()
    assert project.fired() == [], f"the server imported workspace files: {project.fired()}"


# ---- sanity: the fixtures really do have effects when run -------------------------------------

RUNNER = r"""
import os, runpy, sys, traceback
root = sys.argv[1]
for rel in sys.argv[2:]:
    path = os.path.join(root, rel)
    sys.path.insert(0, os.path.dirname(path))
    try:
        if rel.startswith("pkg/"):
            sys.path.insert(0, root)
            runpy.run_module("pkg." + os.path.basename(rel)[:-3], run_name="__main__")
        else:
            runpy.run_path(path, run_name="__main__")
    except BaseException:
        traceback.print_exc()
"""

# markers that must appear when the fixtures really run (a representative subset per fixture)
MUST_FIRE = {
    "open_w", "pathlib", "os_system", "subprocess", "exec", "eval", "compile", "dunder_import",
    "builtins_exec", "getattr_exec", "marker_module_import", "runpy_target", "with_open",
    "default_arg", "kwonly_default", "helper_body", "decorator", "class_body", "init", "call",
    "fstring", "fstring_sys", "comprehension", "walrus", "lambda", "model_init",
    "marker_pkg_init", "marker_pkg_evil", "marker_pkg_evil_block", "marker_module_block",
    "pkg_init", "pkg_evil", "pkg_evil_exec", "pkg_evil_block", "<socket connection>",
}


def test_fixtures_really_fire_when_executed(project):
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run([sys.executable, "-c", RUNNER, str(project.root), *sorted(MAIN_FILES)],
                   cwd=project.root, capture_output=True, text=True, timeout=300, env=env)
    fired = set(project.fired())
    missing = MUST_FIRE - fired
    assert not missing, f"fixtures did not fire {sorted(missing)} when really run (fired: {sorted(fired)})"


# ---- static: ShapeLens's own source calls nothing that executes code ---------------------------

FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__", "execfile", "breakpoint"}
FORBIDDEN_MODULES = {"importlib", "runpy", "subprocess", "multiprocessing", "pty", "ctypes", "code",
                     "codeop", "pickle", "marshal", "shelve", "imp", "pkgutil", "zipimport"}
FORBIDDEN_OS = {"system", "popen", "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp",
                "execvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp",
                "spawnvpe", "posix_spawn", "posix_spawnp", "fork", "forkpty", "startfile"}
ALLOWED_IMPORTLIB = {"importlib.metadata", "importlib.resources"}   # read package data, run nothing
# ``check --jobs N`` forks worker processes that run ShapeLens's own ``_checked_in_worker`` on file
# paths (fork: no new interpreter whose ``sys.path`` starts in the workspace). Only the CLI may, and
# ``test_cli_check_in_pool_never_executes`` runs that pool over the marker project.
ALLOWED_MODULES_IN = {Path("server/shapelens/cli.py"): {"multiprocessing"}}


def _violations(path: Path, root: Path = REPO) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    rel = path.relative_to(root)
    allowed = ALLOWED_MODULES_IN.get(rel, set())
    out = []
    os_aliases = {"os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ALLOWED_IMPORTLIB:
                    continue
                if alias.name.split(".")[0] in FORBIDDEN_MODULES - allowed:
                    out.append(f"{rel}:{node.lineno}: import {alias.name}")
                if alias.name == "os" and alias.asname:
                    os_aliases.add(alias.asname)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            module = node.module or ""
            if module in ALLOWED_IMPORTLIB:
                continue
            if module.split(".")[0] in FORBIDDEN_MODULES - allowed:
                out.append(f"{rel}:{node.lineno}: from {module} import ...")
            if module == "os":
                out += [f"{rel}:{node.lineno}: from os import {a.name}" for a in node.names if a.name in FORBIDDEN_OS]
            if module == "builtins":
                out += [f"{rel}:{node.lineno}: from builtins import {a.name}" for a in node.names
                        if a.name in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
                out.append(f"{rel}:{node.lineno}: {func.id}(...)")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                owner, attr = func.value.id, func.attr
                if owner in os_aliases and attr in FORBIDDEN_OS:
                    out.append(f"{rel}:{node.lineno}: {owner}.{attr}(...)")
                if owner == "builtins" and attr in FORBIDDEN_NAMES:
                    out.append(f"{rel}:{node.lineno}: builtins.{attr}(...)")
                if owner == "ast" and attr[:1].islower() and attr not in ("parse", "literal_eval", "walk", "iter_child_nodes",
                                                   "iter_fields", "get_docstring", "dump", "unparse",
                                                   "fix_missing_locations", "copy_location",
                                                   "increment_lineno", "get_source_segment"):
                    out.append(f"{rel}:{node.lineno}: ast.{attr}(...)")
            # getattr(builtins, "exec") / getattr(__builtins__, ...) / globals()["eval"]
            if isinstance(func, ast.Name) and func.id == "getattr" and node.args:
                target = node.args[0]
                if isinstance(target, ast.Name) and target.id in ("builtins", "__builtins__", "os"):
                    out.append(f"{rel}:{node.lineno}: getattr({target.id}, ...)")
        elif isinstance(node, ast.Name) and node.id in ("__builtins__", "__loader__"):
            out.append(f"{rel}:{node.lineno}: uses {node.id}")
    return out


def test_package_source_never_executes_code():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20, f"package source not found under {PACKAGE}"
    problems = [v for f in files for v in _violations(f)]
    assert problems == [], "code-executing calls in ShapeLens's own source:\n" + "\n".join(problems)


def test_static_checker_catches_what_it_should(tmp_path):
    """The checker itself: each forbidden form is reported, ast.parse/literal_eval are not."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import ast, os, builtins\nimport importlib\nfrom subprocess import run\nimport runpy\n"
        "eval('1')\nexec('x=1')\ncompile('1', 'f', 'eval')\n__import__('os')\nos.system('true')\n"
        "builtins.exec('1')\ngetattr(builtins, 'eval')\nast.parse('1')\nast.literal_eval('1')\n",
        encoding="utf-8")
    found = _violations(bad, root=tmp_path)
    text = "\n".join(found)
    for needle in ("import importlib", "from subprocess", "import runpy", "eval(...)", "exec(...)",
                   "compile(...)", "__import__(...)", "os.system(...)", "builtins.exec(...)", "getattr(builtins"):
        assert needle in text, (needle, found)
    assert "ast.parse" not in text and "literal_eval" not in text


def test_audit_hook_sees_execution(project):
    """The hook itself: running fixture code for real is recorded (so an empty list means
    something)."""
    path = project.root / "marker_module.py"
    _Audit.events = []
    _Audit.active = True
    try:
        exec(compile("x = 1", str(path), "exec"), {})  # noqa: S102 - the point of the test
        os.system("true")  # noqa: S605
        with open(project.markers / "hook_check", "w"):
            pass
    finally:
        _Audit.active = False
    kinds = {event for event, _ in _Audit.events}
    assert {"exec", "os.system", "open"} <= kinds, _Audit.events
    (project.markers / "hook_check").unlink()
