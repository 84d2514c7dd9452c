"""Real-world accuracy of ShapeLens: compare its predicted ``model.summary()`` rows with real Keras.

    .venv/bin/python scripts/realworld.py DIR [DIR...] [--json OUT] [--jobs N]
                     [--oracle-python PATH] [--timeout S] [--cache DIR] [--no-cache]
                     [--shapelens-src DIR]

For every ``.py`` file under the given directories (recursively; hidden directories are skipped)
this runs

* the Keras oracle: ``tests/model_oracle.RUNNER`` behind the offline prelude of
  ``scripts/realworld_runner.py`` (no network, no training, stub datasets, a time limit), with
  ``--oracle-python``; it reports every ``keras.Model`` bound to a module-level variable;
* ShapeLens: ``analyse_source`` + ``file_json`` in a subprocess of this Python, so that a crash or
  a hang is counted rather than fatal;

and prints: files, models (as Keras reports them), rows exact / ``?`` / wrong, models missed,
false errors, ShapeLens crashes, time; then, for each file with a difference, the first differing
row.  ``--json OUT`` writes the full per-file details.

Which oracle the figures come from: the default ``--oracle-python`` is the project venv
(``.venv/bin/python``: Keras 3 on JAX, TensorFlow replaced by the shim of model_oracle.py, so
``tf.data``/``tf.*`` code stops the file early).  The real-world baseline uses
``--oracle-python /work/rw-venv/bin/python`` (the same Keras version on the TensorFlow backend with
real ``tensorflow-cpu``).  The backend is TensorFlow when that Python can import ``tensorflow``,
else JAX; the report's first line names the Python, backend and Keras version.

Comparison:

* models are matched by module-level variable name; a Keras model with no ShapeLens model of that
  name is *missed*, and its rows count as missed rows;
* rows are compared by position.  *exact*: class, output shape and params all equal (Keras ``?``
  needs our ``?``).  ``?``: we print ``?`` somewhere in the shape (or null params, or no class)
  where Keras has a value, and everything we do state agrees.  *wrong*: a definite different
  class, shape or count, or a row that only one side has (a Keras row past the end of a model
  that ShapeLens marks ``rows_complete: false`` is ``?``: it says it cannot list them);
* model class and the three totals are compared the same way;
* the oracle runs the file one top-level statement at a time and goes on after one that raises
  (see realworld_runner.py).  A model whose variable is *stale* under Keras (bound or changed by a
  statement that raised or never ran, or computed from such a name) is *not comparable*: listed,
  left out of the counts.  So is a model that Keras shows unbuilt while the file trains or predicts
  with it: real ``fit`` builds it on the data, the offline oracle's ``fit`` does not;
* a *false error* is a ShapeLens diagnostic of severity "error" that is neither on a line where
  Keras raised nor inside a top-level statement that raised under Keras.  One inside a statement
  that Keras ran on stale names (or never ran) is not counted but shown as unverified;
* a *crash* is an exception out of ``analyse_source`` (or a ShapeLens subprocess that died or hung);
  a ShapeLens that cannot be imported at all is reported as such, not as crashes.

``--shapelens-src DIR`` measures the ``shapelens`` package found in DIR (e.g. ``git archive HEAD
server/shapelens`` unpacked somewhere) instead of the installed work tree, which others may be
editing while a run is in progress.

Oracle results are cached under ``--cache`` (default ``/work/corpus/.oracle-cache``) keyed by the
file's content, the runner text, the oracle Python, backend and time limit; ShapeLens always runs.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import model_oracle  # noqa: E402  (tests/model_oracle.py: the RUNNER text and its environment)

PRELUDE_FILE = Path(__file__).resolve().parent / "realworld_runner.py"
DEFAULT_CACHE = Path("/work/corpus/.oracle-cache")
SHIM_START = "# ---- tensorflow shim"
SHIM_END = "# ---- speed:"


# ---- the oracle ---------------------------------------------------------------------------------

def runner_text() -> str:
    """The real-world prelude + model_oracle.RUNNER, whose TensorFlow shim only runs without TF."""
    runner = model_oracle.RUNNER
    start, end = runner.index(SHIM_START), runner.index(SHIM_END)
    shim = "".join("    " + line if line.strip() else line
                   for line in runner[start:end].splitlines(keepends=True))
    conditional = runner[:start] + "if not _RW_HAVE_TENSORFLOW:\n" + shim + runner[end:]
    return PRELUDE_FILE.read_text() + "\n" + conditional


def probe(python: str) -> tuple[str, str]:
    """(backend, keras version) of the oracle Python."""
    code = ("import importlib.util, importlib.metadata as m;"
            "print('tensorflow' if importlib.util.find_spec('tensorflow') else 'jax', m.version('keras'))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    backend, version = out.split()
    return backend, version


def oracle_environment(backend: str, time_limit: int) -> dict:
    env = model_oracle._environment()
    env.update(KERAS_BACKEND=backend, RW_TIME_LIMIT=str(time_limit), CUDA_VISIBLE_DEVICES="",
               TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", OMP_NUM_THREADS="1",
               MPLBACKEND="Agg")
    return env


def cache_key(path: Path, runner: str, python: str, backend: str, time_limit: int) -> str:
    h = hashlib.sha256()
    for part in (path.read_bytes(), runner.encode(), python.encode(), backend.encode(),
                 str(time_limit).encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:32]


def run_oracle(path: Path, config: dict) -> dict:
    """What real Keras reports for the file (model_oracle's schema), plus "seconds" and "cached"."""
    key = cache_key(path, config["runner"], config["python"], config["backend"], config["timeout"])
    cache_file = config["cache"] / f"{key}.json" if config["cache"] else None
    if cache_file and cache_file.exists():
        return {**json.loads(cache_file.read_text()), "cached": True}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rw-oracle-") as tmp:
        runner = Path(tmp) / "realworld_oracle_runner.py"
        runner.write_text(config["runner"])
        out = Path(tmp) / "report.json"
        try:
            proc = subprocess.run(
                [config["python"], str(runner), str(path.resolve()), str(out)], cwd=tmp,
                env=oracle_environment(config["backend"], config["timeout"]),
                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=config["timeout"] + 120)
            stderr = proc.stderr
        except subprocess.TimeoutExpired:
            stderr = "killed: the time limit did not stop the file"
        if out.exists():
            result = json.loads(out.read_text())
        else:
            result = {"models": [], "error": {"line": None, "type": "OracleDied",
                                              "message": stderr[-2000:]}}
    result["seconds"] = round(time.monotonic() - started, 1)
    if cache_file:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp_file = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp_file.write_text(json.dumps(result))
        os.replace(tmp_file, cache_file)
    return {**result, "cached": False}


# ---- ShapeLens ----------------------------------------------------------------------------------

def analyse_one(path: str, source_dir: str | None) -> None:
    """Child mode: print ShapeLens's file_json for one file, or {"crash": traceback}, or
    {"unavailable": traceback} when ShapeLens itself cannot be imported (not the file's fault)."""
    if source_dir:
        sys.path.insert(0, source_dir)
    try:
        from shapelens.analyser import analyse_source
        from shapelens.report import file_json
    except BaseException:  # noqa: BLE001
        sys.stdout.write(json.dumps({"unavailable": traceback.format_exc(limit=4)}))
        return
    try:
        text = Path(path).read_text(encoding="utf-8")
        result = file_json(path, analyse_source(text, path))
    except BaseException:  # noqa: BLE001 - every exception out of the analyser is a crash
        result = {"crash": traceback.format_exc(limit=8)}
    sys.stdout.write(json.dumps(result))


def run_shapelens(path: Path, timeout: int, source_dir: str | None) -> dict:
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, __file__, "--analyse-one", str(path), source_dir or ""],
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        try:
            result = json.loads(proc.stdout)
        except ValueError:
            result = {"crash": f"exit {proc.returncode}: {proc.stderr[-2000:]}"}
    except subprocess.TimeoutExpired:
        result = {"crash": f"hang: no answer within {timeout} s"}
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


# ---- comparison ---------------------------------------------------------------------------------

SHAPE_TOKEN = re.compile(r"\?|None|-?\d+|[^\s,]")


def shape_verdict(keras: str, ours) -> str:
    if ours == keras:
        return "exact"
    if not isinstance(ours, str) or "?" not in ours or keras == "?":
        return "wrong"
    if ours.strip() == "?":
        return "?"
    want, got = SHAPE_TOKEN.findall(keras), SHAPE_TOKEN.findall(ours)
    if len(want) != len(got):
        return "wrong"
    for w, g in zip(want, got):
        if g != w and not (g == "?" and (w == "None" or w.lstrip("-").isdigit())):
            return "wrong"
    return "?"


def value_verdict(keras, ours) -> str:
    if ours == keras:
        return "exact"
    return "?" if ours is None or ours == "?" else "wrong"


def combine(*verdicts: str) -> str:
    return "wrong" if "wrong" in verdicts else "?" if "?" in verdicts else "exact"


def row_verdict(keras: dict | None, ours: dict | None) -> str:
    if keras is None or ours is None:
        return "wrong"
    return combine(value_verdict(keras["class"], ours.get("class")),
                   shape_verdict(keras["output_shape"], ours.get("output_shape")),
                   value_verdict(keras["params"], ours.get("params")))


def row_text(row: dict | None) -> str:
    if row is None:
        return "(no row)"
    return f'{row.get("name")} ({row.get("class")})  {row.get("output_shape")}  {row.get("params")}'


TOTALS = ("total_params", "trainable_params", "non_trainable_params")


def compare_model(keras: dict, ours: dict | None) -> dict:
    n = len(keras["layers"])
    result = {"name": keras["name"], "keras_class": keras["class"], "rows": n,
              "exact": 0, "?": 0, "wrong": 0, "extra": 0, "diffs": []}
    if ours is None:
        result.update(status="missed", missed_rows=n)
        return result
    result.update(status="matched", missed_rows=0, ours_class=ours.get("class"),
                  class_verdict=value_verdict(keras["class"], ours.get("class")),
                  totals_verdict=combine(*(value_verdict(keras[k], ours.get(k)) for k in TOTALS)),
                  keras_totals=[keras[k] for k in TOTALS], ours_totals=[ours.get(k) for k in TOTALS])
    mine = ours.get("layers") or []
    for i in range(max(n, len(mine))):
        want = keras["layers"][i] if i < n else None
        got = mine[i] if i < len(mine) else None
        verdict = row_verdict(want, got)
        if got is None and want is not None and ours.get("rows_complete") is False:
            verdict = "?"       # ShapeLens says it cannot list every row (an undecided loop or branch)
        if want is None:
            result["extra"] += 1
        else:
            result[verdict] += 1
        if verdict != "exact":
            result["diffs"].append({"index": i, "verdict": verdict, "keras": want, "ours": got})
    return result


# ---- which Keras models are comparable ------------------------------------------------------------
# The oracle goes on after a top-level statement that raises (offline: downloads, data files) and
# stops at the time limit.  A statement that raised or never ran leaves the names it binds (and
# the models it would change: ``m.add(..)``, ``m(..)``, ``m.build(..)``, ``m.trainable = ..``)
# stale in Keras, and so is everything a later statement computes from a stale name (directly or
# through a module-level function it calls), while ShapeLens reports what the file as written
# builds.  Models whose variable is stale at the end are "not comparable": they are listed with
# the line where it started, but left out of the row counts.

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
          ast.SetComp, ast.DictComp, ast.GeneratorExp)
MUTATORS = {"add", "pop", "build", "trainable"}


def module_walk(node):
    """The nodes of a top-level statement that run in module scope (not in defs, classes, lambdas)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, SCOPES):
            continue
        yield child
        yield from module_walk(child)


def loaded_names(nodes) -> set:
    return {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def statement_fact(stmt) -> dict:
    """What a top-level statement binds, reads, may change, and (for def/class) what its body reads."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {"span": (stmt.lineno, stmt.end_lineno), "binds": {stmt.name}, "changes": set(),
                "reads": loaded_names(module_walk(stmt)), "body_reads": loaded_names(ast.walk(stmt))}
    nodes = [stmt, *module_walk(stmt)]
    binds, changes = set(), set()
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            binds.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            binds |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            binds.add(node.name)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            changes.add(node.func.id)
        elif isinstance(node, ast.Attribute) and node.attr in MUTATORS and isinstance(node.value, ast.Name):
            changes.add(node.value.id)
    reads = loaded_names(nodes) | {n.id for stmt_node in nodes if isinstance(stmt_node, ast.Lambda)
                                   for n in ast.walk(stmt_node) if isinstance(n, ast.Name)}
    return {"span": (stmt.lineno, stmt.end_lineno), "binds": binds, "changes": changes,
            "reads": reads, "body_reads": set()}


def statement_facts(path: Path) -> list:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return []
    return [statement_fact(stmt) for stmt in tree.body]


def stale_names(facts: list, failed: set, stopped_at) -> tuple[dict, list]:
    """(name -> line of the statement that made it stale under Keras (see above), the spans of the
    statements that raised, did not run or ran on stale names: Keras did not check those)."""
    stale, bodies, unchecked = {}, {}, []
    for fact in facts:
        span = fact["span"]
        reads, seen = set(fact["reads"]), set()
        while reads - seen:                    # through the module-level functions it calls
            name = (reads - seen).pop()
            seen.add(name)
            reads |= bodies.get(name, set())
        did_not_run = span in failed or (stopped_at is not None and span[0] >= stopped_at)
        cause = span[0] if did_not_run else next((stale[n] for n in sorted(reads) if n in stale), None)
        if cause is not None:
            unchecked.append(span)
            for name in fact["binds"] | fact["changes"]:
                stale.setdefault(name, cause)
        else:
            for name in fact["binds"]:
                stale.pop(name, None)
        for name in fact["binds"]:
            bodies[name] = fact["body_reads"]
    return stale, unchecked


def keras_errors(keras: dict) -> list:
    errors = keras.get("errors")
    if errors is None and keras.get("error"):       # a report of model_oracle's plain runner
        errors = [{**keras["error"], "statement": None, "fatal": True}]
    return errors or []


def false_errors(errors: list, unchecked: list, diagnostics: list) -> tuple[list, list]:
    """Our severity-"error" diagnostics where Keras raised neither on that line nor in that
    statement: (false errors, unverified ones: in a statement Keras ran on stale names or not at all)."""
    lines = {e["line"] for e in errors}
    statements = [e["statement"] for e in errors if e.get("statement")]
    false, unverified = [], []
    for d in diagnostics:
        line = d.get("line") or 0
        if d.get("severity") != "error" or line in lines or any(a <= line <= b for a, b in statements):
            continue
        (unverified if any(a <= line <= b for a, b in unchecked) else false).append(d)
    return false, unverified


def compare_file(path: Path, keras: dict, ours: dict) -> dict:
    errors = keras_errors(keras)
    stopped_at = keras.get("stopped_at")
    result = {"path": str(path), "keras_error": keras.get("error"), "keras_errors": errors,
              "keras_stopped_at": stopped_at, "keras_seconds": keras.get("seconds"),
              "keras_cached": keras.get("cached"), "shapelens_seconds": ours.get("seconds"),
              "crash": ours.get("crash"), "unavailable": ours.get("unavailable"),
              "models": [], "not_comparable": [], "ours_only_models": [], "false_errors": [],
              "unverified_errors": []}
    if result["unavailable"]:
        return result
    failed = {tuple(e["statement"]) for e in errors if e.get("statement")}
    stale, unchecked = stale_names(statement_facts(path), failed, stopped_at)
    mine = {m["name"]: m for m in ours.get("models", [])}
    source = path.read_text(encoding="utf-8", errors="replace")
    for model in keras["models"]:
        if model["name"] in stale:
            result["not_comparable"].append({"name": model["name"], "rows": len(model["layers"]),
                                             "stale_since_line": stale[model["name"]]})
        elif built_only_by_training(model, source):
            result["not_comparable"].append({"name": model["name"], "rows": len(model["layers"]),
                                             "built_by_training": True})
        else:
            result["models"].append(compare_model(model, mine.get(model["name"])))
    keras_names = {m["name"] for m in keras["models"]}
    result["ours_only_models"] = [name for name in mine if name not in keras_names]
    if not result["crash"]:
        result["false_errors"], result["unverified_errors"] = false_errors(
            errors, unchecked, ours.get("diagnostics", []))
    return result


TRAINING_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                    "fit_generator", "evaluate_generator", "predict_generator")


def built_only_by_training(model: dict, source: str) -> bool:
    """A model Keras shows unbuilt (every row ``?``, 0 params) that the file trains or predicts
    with, directly or through a function of its own (``train(model, data)`` whose body calls
    ``model.fit``): real Keras builds it on the data in ``fit``, which the offline oracle does not
    run, so what Keras would print is not known here."""
    unbuilt = model["layers"] and all(row["output_shape"] == "?" and row["params"] == 0 for row in model["layers"])
    if not unbuilt:
        return False
    methods = "|".join(TRAINING_METHODS)
    if re.search(rf"\b{re.escape(model['name'])}\.(?:{methods})\(", source) is not None:
        return True
    return model["name"] in names_passed_to_trainers(source)


def names_passed_to_trainers(source: str) -> set:
    """Names passed (as a plain argument) to a function of the file that trains its parameter."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    trainers: dict = {}
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        trained = {node.func.value.id for node in ast.walk(fn)
                   if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                   and node.func.attr in TRAINING_METHODS and isinstance(node.func.value, ast.Name)}
        positions = {i for i, name in enumerate(params) if name in trained}
        if positions:
            trainers[fn.name] = (positions, {params[i] for i in positions})
    passed = set()
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in trainers:
            positions, names = trainers[call.func.id]
            passed |= {a.id for i, a in enumerate(call.args) if i in positions and isinstance(a, ast.Name)}
            passed |= {k.value.id for k in call.keywords if k.arg in names and isinstance(k.value, ast.Name)}
    return passed


def measure(path: Path, config: dict) -> dict:
    keras = run_oracle(path, config)
    ours = run_shapelens(path, config["shapelens_timeout"], config["shapelens_src"])
    return compare_file(path, keras, ours)


# ---- the report ---------------------------------------------------------------------------------

def totals(files: list) -> dict:
    t = {"files": len(files), "files_with_models": 0, "files_keras_error": 0, "files_stopped": 0, "models": 0,
         "matched": 0, "missed": 0, "rows": 0, "exact": 0, "?": 0, "wrong": 0, "extra": 0,
         "missed_rows": 0, "totals_exact": 0, "totals_?": 0, "totals_wrong": 0, "class_wrong": 0,
         "false_errors": 0, "unverified_errors": 0, "crashes": 0, "ours_only_models": 0,
         "not_comparable": 0, "not_comparable_rows": 0, "unavailable": 0,
         "keras_seconds": 0.0, "keras_cached": 0, "shapelens_seconds": 0.0}
    for f in files:
        t["unavailable"] += bool(f["unavailable"])
        t["not_comparable"] += len(f["not_comparable"])
        t["not_comparable_rows"] += sum(m["rows"] for m in f["not_comparable"])
        t["files_with_models"] += bool(f["models"])
        t["files_keras_error"] += bool(f["keras_errors"])
        t["files_stopped"] += f["keras_stopped_at"] is not None
        t["crashes"] += bool(f["crash"])
        t["false_errors"] += len(f["false_errors"])
        t["unverified_errors"] += len(f["unverified_errors"])
        t["ours_only_models"] += len(f["ours_only_models"])
        t["keras_seconds"] += f["keras_seconds"] or 0
        t["keras_cached"] += bool(f["keras_cached"])
        t["shapelens_seconds"] += f["shapelens_seconds"] or 0
        for m in f["models"]:
            t["models"] += 1
            t["rows"] += m["rows"]
            t[m["status"]] += 1
            for k in ("exact", "?", "wrong", "extra", "missed_rows"):
                t[k] += m[k]
            if m["status"] == "matched":
                t["totals_" + m["totals_verdict"]] += 1
                t["class_wrong"] += m["class_verdict"] == "wrong"
    return t


def percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.2f}%" if whole else "-"


def summary_lines(t: dict, config: dict, seconds: float) -> list:
    rows = t["rows"]
    lines = [
        f"ShapeLens real-world accuracy -- oracle: {config['python']} "
        f"(Keras {config['keras_version']}, backend {config['backend']}, time limit {config['timeout']} s)",
        f"ShapeLens: {config['shapelens_label']}",
        f"files                {t['files']:6}   (with Keras models: {t['files_with_models']}; "
        f"a statement raised under Keras: {t['files_keras_error']}; "
        f"stopped by the time limit or exit: {t['files_stopped']})",
        f"models (Keras)       {t['models']:6}   (matched {t['matched']}, missed {t['missed']}; "
        f"ShapeLens-only names: {t['ours_only_models']})",
        f"  not comparable     {t['not_comparable']:6}   ({t['not_comparable_rows']} rows; stale under "
        f"Keras: built from a statement that raised or did not run, or built only by training, which "
        f"the offline oracle does not run; not counted)",
        f"rows (Keras)         {rows:6}",
        f"  exact              {t['exact']:6}   ({percent(t['exact'], rows)})",
        f"  ?                  {t['?']:6}   ({percent(t['?'], rows)})",
        f"  wrong              {t['wrong']:6}   ({percent(t['wrong'], rows)}; "
        f"plus {t['extra']} extra rows only ShapeLens prints)",
        f"  in missed models   {t['missed_rows']:6}   ({percent(t['missed_rows'], rows)})",
        f"model totals         exact {t['totals_exact']}, ? {t['totals_?']}, wrong {t['totals_wrong']}"
        f"   (model class wrong: {t['class_wrong']})",
        f"models missed        {t['missed']:6}",
        f"false errors         {t['false_errors']:6}   (not counted: {t['unverified_errors']} more in "
        f"statements Keras ran on stale names or not at all)",
        f"ShapeLens crashes    {t['crashes']:6}",
        f"time                 {seconds:6.0f} s (Keras {t['keras_seconds']:.0f} s, "
        f"{t['keras_cached']} files cached; ShapeLens {t['shapelens_seconds']:.0f} s)",
    ]
    if t["unavailable"]:
        lines.insert(2, f"!! ShapeLens could not be imported for {t['unavailable']} files: "
                        "those files are left out; the figures are incomplete")
    return lines


def difference_lines(files: list, root_of) -> list:
    out = []
    for f in files:
        name = root_of(f["path"])
        if f["unavailable"]:
            out.append(f"{name}: SHAPELENS UNAVAILABLE {f['unavailable'].strip().splitlines()[-1]}")
        if f["crash"]:
            out.append(f"{name}: CRASH {f['crash'].strip().splitlines()[-1]}")
        for e in f["false_errors"]:
            out.append(f"{name}:{e.get('line')}: FALSE ERROR [{e.get('code')}] {e.get('message')}")
        for m in f["models"]:
            if m["status"] == "missed":
                out.append(f"{name}: model {m['name']} ({m['keras_class']}, {m['rows']} rows): MISSED")
            elif m["diffs"]:
                d = m["diffs"][0]
                out.append(f"{name}: model {m['name']} row {d['index']} {d['verdict'].upper()} "
                           f"({m['wrong']} wrong, {m['?']} ?, {m['extra']} extra of {m['rows']})\n"
                           f"    keras: {row_text(d['keras'])}\n    ours:  {row_text(d['ours'])}")
            elif m["totals_verdict"] != "exact" or m["class_verdict"] != "exact":
                out.append(f"{name}: model {m['name']} totals {m['totals_verdict'].upper()}: "
                           f"keras {m['keras_totals']} ({m['keras_class']}), "
                           f"ours {m['ours_totals']} ({m['ours_class']})")
    return out


# ---- main ---------------------------------------------------------------------------------------

def corpus_files(dirs: list) -> list:
    found = []
    for d in dirs:
        root = Path(d)
        paths = [root] if root.is_file() else sorted(root.rglob("*.py"))
        found += [p for p in paths
                  if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return found


def shapelens_label(source_dir: str | None) -> str:
    if source_dir:
        return f"package from {source_dir}"
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "server"],
                           capture_output=True, text=True).stdout.strip()
    return f"work tree of {REPO} at {head or '?'}" + (" with uncommitted changes in server/" if dirty else "")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", nargs="+", help="directories of .py files (searched recursively)")
    parser.add_argument("--json", help="write the per-file details to this file")
    parser.add_argument("--jobs", type=int, default=1, help="files measured at once (default 1)")
    default_python = REPO / ".venv" / "bin" / "python"
    parser.add_argument("--oracle-python", default=str(default_python if default_python.exists()
                                                       else sys.executable))
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds a file may run under Keras (default 120)")
    parser.add_argument("--shapelens-timeout", type=int, default=60)
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="oracle cache directory")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--shapelens-src", help="directory holding the shapelens package to measure "
                        "(e.g. an exported commit); default: the installed one (this repo's server/)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--analyse-one"]:
        analyse_one(argv[1], argv[2] if len(argv) > 2 else None)
        return 0
    args = parse_args(argv)
    backend, keras_version = probe(args.oracle_python)
    config = {"python": args.oracle_python, "backend": backend, "keras_version": keras_version,
              "timeout": args.timeout, "shapelens_timeout": args.shapelens_timeout,
              "runner": runner_text(), "cache": None if args.no_cache else Path(args.cache)}
    config["shapelens_src"] = args.shapelens_src
    config["shapelens_label"] = shapelens_label(args.shapelens_src)
    paths = corpus_files(args.dirs)
    started = time.monotonic()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(measure, p, config): p for p in paths}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            path = futures[future]
            results[path] = future.result()
            print(f"[{done}/{len(paths)}] {path} ({results[path]['keras_seconds']} s)",
                  file=sys.stderr, flush=True)
    files = [results[p] for p in paths]
    seconds = time.monotonic() - started
    t = totals(files)
    roots = [str(Path(d)) for d in args.dirs]

    def root_of(path):
        parent = os.path.commonpath([str(Path(r).parent) for r in roots] + [path])
        return os.path.relpath(path, parent)

    if args.json:
        report = {"config": {k: v for k, v in config.items() if k != "runner"} | {"cache": args.cache},
                  "totals": t, "files": files}
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    diffs = difference_lines(files, root_of)
    print("\n".join(summary_lines(t, config, seconds)))
    if diffs:
        print("\nFirst difference per model (and every crash, false error and missed model):")
        print("\n".join(diffs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
