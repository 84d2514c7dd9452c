"""Real-editor test of ShapeLens in JupyterLab with jupyterlab-lsp.

Starts JupyterLab headless (a token, a free port on 127.0.0.1) with the language-server spec of
``editors/jupyterlab/jupyter_server_config.json`` as it is shipped, opens a notebook in headless
Chromium (Python ``playwright``, Debian's ``/usr/bin/chromium``) and checks what a person sees:
the error underline under a bad merge in the right cell and its message, the hover (Ctrl + mouse,
jupyterlab-lsp's default) on a Conv2D with its output shape and parameters, a setting of
``editors/jupyterlab/plugin.jupyterlab-settings`` reaching the server, and the underline going
away when the cell is edited.  It also reads what ShapeLens received (jupyterlab-lsp's one
virtual document for the whole notebook) to state what it sends and what it does not ask for.

No cell is run.  A kernel is started all the same (JupyterLab's LSP adapter for notebooks
connects only once the notebook has a kernel; with "No Kernel" it waits for ever), and the test
checks at the end that it executed nothing.  The ``shapelens`` that the spec's ``argv`` finds on PATH is a shim that
runs this checkout (``server/``) with $SHAPELENS_PYTHON and copies the LSP traffic to the
artifacts.  Every wait is on a condition, bounded by a timeout that only decides when to give up;
JupyterLab and everything it starts run in one process group that is ended at the end.

    <venv with jupyterlab, jupyterlab-lsp, playwright>/bin/python tests/editors/jupyterlab/e2e.py

Environment:
  SHAPELENS_PYTHON   a Python with pygls and lsprotocol (default: .venv/bin/python of this checkout)
  ARTIFACTS          screenshots and logs (default: tests/editors/artifacts/jupyterlab)
  CHROMIUM           browser binary (default: /usr/bin/chromium)
  SHAPELENS_UPDATE_SCREENSHOT=1  also write docs/jupyterlab.md's picture, editors/jupyterlab/screenshot.png

Ends with "N passed, N failed"; exit status 1 if any failed.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SPEC = REPO / "editors" / "jupyterlab" / "jupyter_server_config.json"
SETTINGS = REPO / "editors" / "jupyterlab" / "plugin.jupyterlab-settings"
BATCH = "batch"           # the sample's batchDimensionLabel, changed: the hover must show it
PYTHON = os.environ.get("SHAPELENS_PYTHON", str(REPO / ".venv" / "bin" / "python"))
ARTIFACTS = Path(os.environ.get("ARTIFACTS", REPO / "tests" / "editors" / "artifacts" / "jupyterlab")).resolve()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TOKEN = "shapelens-e2e-token"
TIMEOUT = 60_000          # ms: only decides when to give up waiting for a condition

CELLS = [
    "import keras\nfrom keras import layers",
    "%matplotlib inline\ninputs = keras.Input(shape=(32, 32, 3))\nx = layers.Conv2D(16, 3)(inputs)",
    "a = keras.Input(shape=(4,))\nb = keras.Input(shape=(5,))\nc = layers.Add()([a, b])",
]


def notebook() -> dict:
    """Three code cells, never run; the kernelspec is needed all the same (see the module doc)."""
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {},
              "outputs": [], "source": source} for i, source in enumerate(CELLS)]
    kernelspec = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return {"cells": cells, "metadata": {"kernelspec": kernelspec, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lsp_messages(path: Path) -> list:
    """The JSON-RPC messages of a copied stdio stream (``Content-Length`` framed)."""
    data, messages = path.read_bytes() if path.exists() else b"", []
    while True:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            return messages
        length = next(int(line.split(b":")[1]) for line in data[:head_end].split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        body = data[head_end + 4: head_end + 4 + length]
        if len(body) < length:
            return messages
        messages.append(json.loads(body))
        data = data[head_end + 4 + length:]


class Lab:
    """JupyterLab in a temporary HOME, with the shipped spec and a ``shapelens`` shim on PATH."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.root = tmp / "notebooks"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log = ARTIFACTS / "jupyterlab.log"

    def start(self) -> None:
        version = subprocess.run([PYTHON, "-m", "shapelens", "--version"], capture_output=True, text=True,
                                 env=dict(os.environ, PYTHONPATH=str(REPO / "server")))
        assert version.returncode == 0, f"{PYTHON} cannot run this checkout's shapelens: {version.stderr}"
        print(f"  {version.stdout.strip()} with {PYTHON}", flush=True)
        dirs = {name: self.tmp / name for name in ("home", "config", "data", "runtime", "settings", "workspaces", "bin")}
        for path in [self.root, *dirs.values()]:
            path.mkdir(parents=True)
        (self.root / "shapes.ipynb").write_text(json.dumps(notebook(), indent=1))
        shutil.copy(SPEC, dirs["config"] / "jupyter_server_config.json")
        # no "Would you like to get notified about official Jupyter news?" toast over the cells
        news = dirs["settings"] / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True)
        news.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        # the shipped jupyterlab-lsp settings, with a batch label that only reaches ShapeLens through them
        settings = json.loads(SETTINGS.read_text())
        settings["language_servers"]["shapelens"]["serverSettings"]["shapelens.batchDimensionLabel"] = BATCH
        lsp = dirs["settings"] / "@jupyter-lsp" / "jupyterlab-lsp" / "plugin.jupyterlab-settings"
        lsp.parent.mkdir(parents=True)
        lsp.write_text(json.dumps(settings))
        shim = dirs["bin"] / "shapelens"
        shim.write_text(
            "#!/bin/sh\n# this checkout's ShapeLens; its LSP traffic is copied to the artifacts\n"
            f"tee '{ARTIFACTS}/lsp-in.log' | PYTHONPATH='{REPO / 'server'}' '{PYTHON}' -m shapelens \"$@\" "
            f"| tee '{ARTIFACTS}/lsp-out.log'\n")
        shim.chmod(0o755)
        env = dict(os.environ, HOME=str(dirs["home"]), JUPYTER_CONFIG_DIR=str(dirs["config"]),
                   JUPYTER_DATA_DIR=str(dirs["data"]), JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
                   JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]), JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
                   PATH=f"{dirs['bin']}{os.pathsep}{os.environ.get('PATH', '')}")
        for name in ("PYTHONPATH", "JUPYTER_PATH", "JUPYTERLAB_DIR"):
            env.pop(name, None)
        argv = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={self.root}",
                "--LabApp.extension_manager=readonly"]
        if os.geteuid() == 0:
            argv.append("--allow-root")
        self.process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=self.log.open("w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + TIMEOUT / 1000
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={TOKEN}", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer on {self.base}; see {self.log}")
            time.sleep(0.2)

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(f"{self.base}{path}?token={TOKEN}", timeout=30) as response:
            return json.load(response)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()


class Run:
    """The checks, run in order; each one that raises is a failure (with a screenshot)."""

    def __init__(self):
        self.passed = self.failed = 0
        self.page = None
        self.started = time.monotonic()

    def check(self, name: str, body) -> None:
        t0 = time.monotonic()
        try:
            body()
        except Exception:  # noqa: BLE001 - any error is this check's failure
            self.failed += 1
            print(f"not ok - {name}\n{traceback.format_exc()}", flush=True)
            if self.page is not None:
                try:
                    self.page.screenshot(path=str(ARTIFACTS / f"failure-{self.failed}.png"))
                except Exception:  # noqa: BLE001
                    pass
        else:
            self.passed += 1
            print(f"ok - {name} ({time.monotonic() - t0:.1f}s)", flush=True)


def main() -> int:
    # `timeout` (scripts/editors/test.sh) sends SIGTERM: unwind, so that JupyterLab is stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in [ARTIFACTS / "lsp-in.log", ARTIFACTS / "lsp-out.log", *ARTIFACTS.glob("*.png")]:
        stale.unlink(missing_ok=True)
    run = Run()
    tmp = Path(tempfile.mkdtemp(prefix="shapelens-jupyterlab-"))
    lab = Lab(tmp)
    try:
        with sync_playwright() as playwright:
            browsers: list = []
            try:
                checks(run, lab, playwright, browsers)
            finally:
                for browser in browsers:
                    browser.close()
    finally:
        lab.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"total {time.monotonic() - run.started:.1f}s; artifacts in {ARTIFACTS}")
    print(f"{run.passed} passed, {run.failed} failed")
    return 1 if run.failed else 0


def cell(page, index: int):
    return page.locator(".jp-Notebook .jp-CodeCell").nth(index)


def checks(run: Run, lab: Lab, playwright, browsers: list) -> None:
    state: dict = {}

    def start():
        lab.start()
        servers = lab.get("/lsp/status")["sessions"]
        assert "shapelens" in servers, f"jupyter-lsp has no 'shapelens' server: {sorted(servers)}"
        assert servers["shapelens"]["spec"]["languages"] == ["python"], servers["shapelens"]["spec"]
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        browsers.append(browser)
        run.page = browser.new_page(viewport={"width": 1200, "height": 720})
        run.page.goto(f"{lab.base}/lab/tree/shapes.ipynb?token={TOKEN}")
        expect(run.page.locator(".jp-Notebook .jp-CodeCell")).to_have_count(3, timeout=TIMEOUT)

    run.check("JupyterLab starts with the shipped spec and opens the notebook", start)

    def diagnostic():
        page = run.page
        underline = cell(page, 2).locator(".cm-lintRange-error")
        expect(underline.first).to_be_visible(timeout=TIMEOUT)
        # the span ShapeLens reported (line 12 of the virtual document) lands on cell 3, line 3
        underlined = "".join(underline.all_inner_texts())
        assert underlined == "layers.Add()([a, b])", underlined
        for index in (0, 1):
            expect(cell(page, index).locator(".cm-lintRange")).to_have_count(0)
        underline.first.hover()
        tooltip = page.locator(".cm-tooltip-lint")
        expect(tooltip).to_contain_text("Inputs have incompatible shapes. Received shapes (4,) and (5,)",
                                        timeout=TIMEOUT)
        expect(tooltip).to_contain_text("shapelens")          # the diagnostic's source
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-diagnostic.png"))
        page.mouse.move(5, 5)

    run.check("the bad merge is underlined in cell 3 with ShapeLens's message", diagnostic)

    def hover():
        page = run.page
        word = cell(page, 1).locator(".cm-line").nth(2).get_by_text("Conv2D", exact=True)
        box = word.bounding_box()
        page.keyboard.down("Control")
        try:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            tooltip = page.locator(".lsp-hover")
            expect(tooltip).to_contain_text(f"({BATCH}, 30, 30, 16)", timeout=TIMEOUT)
            expect(tooltip).to_contain_text("Parameters: 448")
            state["hover"] = tooltip.inner_text()
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-hover.png"))
            if os.environ.get("SHAPELENS_UPDATE_SCREENSHOT") == "1":
                shutil.copy(ARTIFACTS / "jupyterlab-hover.png", REPO / "editors" / "jupyterlab" / "screenshot.png")
        finally:
            page.keyboard.up("Control")
            page.mouse.move(5, 5)

    run.check("Ctrl + hover on the Conv2D shows its output shape (with the batch label set in the "
              "jupyterlab-lsp settings) and parameters", hover)

    def edit():
        page = run.page
        # cell 3, line 2: b = keras.Input(shape=(5,)) -> (4,); the merge is then valid
        underline = cell(page, 2).locator(".cm-lintRange-error")
        expect(underline.first).to_be_visible(timeout=TIMEOUT)
        line = cell(page, 2).locator(".cm-line").nth(1)
        line.click()
        page.keyboard.press("End")
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        page.keyboard.press("Backspace")
        page.keyboard.type("4")
        expect(line).to_have_text("b = keras.Input(shape=(4,))")
        expect(cell(page, 2).locator(".cm-lintRange")).to_have_count(0, timeout=TIMEOUT)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-fixed.png"))

    run.check("fixing the shape in the cell removes the underline", edit)

    def received():
        sent = lsp_messages(ARTIFACTS / "lsp-in.log")
        methods = [m.get("method") for m in sent]
        initialize = next(m for m in sent if m.get("method") == "initialize")
        capabilities = initialize["params"]["capabilities"]
        assert "inlayHint" not in capabilities.get("textDocument", {}), capabilities
        assert "notebookDocument" not in capabilities, capabilities
        assert "textDocument/inlayHint" not in methods, methods
        assert not any(str(m).startswith("notebookDocument/") for m in methods), methods
        opened = next(m for m in sent if m.get("method") == "textDocument/didOpen")["params"]["textDocument"]
        assert opened["uri"].endswith("/.virtual_documents/shapes.ipynb"), opened["uri"]
        assert opened["languageId"] == "python", opened
        # one document: the cells joined by two blank lines, the line magic rewritten as a call
        expected = "\n\n\n".join(CELLS).replace('%matplotlib inline',
                                                'get_ipython().run_line_magic("matplotlib", " inline")') + "\n"
        assert opened["text"] == expected, opened["text"]
        print(f"  jupyterlab-lsp sent: {sorted(set(filter(None, methods)))}", flush=True)

    run.check("ShapeLens gets the notebook as one virtual document (textDocument/*), no inlay hint request", received)

    def nothing_ran():
        prompts = [text.strip() for text in run.page.locator(".jp-Notebook .jp-InputPrompt").all_inner_texts()]
        assert prompts == ["[ ]:"] * 3, prompts
        expect(run.page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(0)

    run.check("no cell was run (no prompt numbers, no outputs)", nothing_ran)


if __name__ == "__main__":
    sys.exit(main())
