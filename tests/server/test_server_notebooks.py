"""The language server on Jupyter notebooks (a real ``python -m shapelens serve`` subprocess,
VS Code's capabilities plus notebook sync): ``notebookDocument/didOpen``, cell edits, cells
added, moved and removed, ``didSave`` and ``didClose``; inlay hints, hover and diagnostics on
cell URIs, each cell seeing the cells above it."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types

from test_server_helpers import CONFIG, ROOT, hint_map, hints, hover, init_params, wait_until

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOTEBOOK = (ROOT / "scratch" / "nb.ipynb").as_uri()


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: pytest_lsp.LanguageClient):
    params = init_params("visual-studio-code")
    params.capabilities.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities())
    # vscode-languageclient 8+ announces hint refreshes (pytest-lsp's capabilities are VS Code 1.65's)
    params.capabilities.workspace.inlay_hint = types.InlayHintWorkspaceClientCapabilities(refresh_support=True)
    result = await lsp_client.initialize_session(params)
    sync = result.capabilities.notebook_document_sync
    assert sync.notebook_selector[0].cells[0].language == "python"
    yield
    await lsp_client.shutdown_session()


def cell_uri(name: str) -> str:
    return f"vscode-notebook-cell:{NOTEBOOK[len('file:'):]}#{name}"


def code_cell(name: str) -> types.NotebookCell:
    return types.NotebookCell(kind=types.NotebookCellKind.Code, document=cell_uri(name))


def cell_item(name: str, text: str, language: str = "python") -> types.TextDocumentItem:
    return types.TextDocumentItem(uri=cell_uri(name), language_id=language, version=1, text=text)


class Notebook:
    """The client's side of one notebook: open, edit, restructure, close."""

    def __init__(self, client, cells):
        self.client, self.version = client, 1
        self.cell_versions = {name: 1 for name, _ in cells}
        client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=NOTEBOOK, notebook_type="jupyter-notebook", version=1,
                cells=[code_cell(name) if kind != "markdown" else
                       types.NotebookCell(kind=types.NotebookCellKind.Markup, document=cell_uri(name))
                       for name, (kind, _) in ((n, t if isinstance(t, tuple) else ("code", t)) for n, t in cells)]),
            cell_text_documents=[cell_item(name, t[1], "markdown") if isinstance(t, tuple) else cell_item(name, t)
                                 for name, t in cells]))

    def change(self, cells=None):
        self.version += 1
        self.client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=self.version, uri=NOTEBOOK),
            change=types.NotebookDocumentChangeEvent(cells=cells)))

    def edit(self, name, line, start, end, text):
        self.cell_versions[name] += 1
        self.change(types.NotebookDocumentCellChanges(text_content=[types.NotebookDocumentCellContentChanges(
            document=types.VersionedTextDocumentIdentifier(uri=cell_uri(name), version=self.cell_versions[name]),
            changes=[types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, start), types.Position(line, end)), text=text)])]))

    def splice(self, start, delete, cells=(), opened=(), closed=()):
        self.change(types.NotebookDocumentCellChanges(structure=types.NotebookDocumentCellChangeStructure(
            array=types.NotebookCellArrayChange(start=start, delete_count=delete,
                                                cells=[code_cell(n) for n in cells]),
            did_open=[cell_item(n, t) for n, t in opened],
            did_close=[types.TextDocumentIdentifier(cell_uri(n)) for n in closed])))

    def close(self, names):
        self.client.notebook_document_did_close(types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(NOTEBOOK),
            cell_text_documents=[types.TextDocumentIdentifier(cell_uri(n)) for n in names]))


CELLS = [
    ("a", "%matplotlib inline\nimport keras\nfrom keras import layers\ninputs = keras.Input((28, 28, 1))\n"),
    ("md", ("markdown", "# The model\n")),
    ("b", "!nvidia-smi\nx = layers.Conv2D(8, 3)(inputs)\nx = layers.Flatten()(x)\n"),
    ("c", "outputs = layers.Dense(10)(x)\nmodel = keras.Model(inputs, outputs)\n"),
]


async def labels(client, name):
    return hint_map(await hints(client, cell_uri(name)))


async def test_hints_in_a_cell_reflect_the_cells_above_and_follow_edits(client):
    notebook = Notebook(client, CELLS)
    b = await labels(client, "b")
    assert b == {(1, 31): "(None, 26, 26, 8) · 80 params", (2, 23): "(None, 5408)"}
    c = await labels(client, "c")
    assert c[(0, 29)] == "(None, 10) · 54,090 params"
    assert c[(1, 36)] == "Model: 54,170 params (211.60 KB)"
    assert await labels(client, "md") == {}

    refreshes = client.refreshes
    notebook.edit("a", 3, 22, 24, "30")               # (28, 28, 1) -> (30, 28, 1) in cell a
    # the editor asks again for the hints of the cells below (VS Code asks only for the edited cell)
    await wait_until(client, lambda: client.refreshes > refreshes)
    assert (await labels(client, "b"))[(1, 31)] == "(None, 28, 26, 8) · 80 params"
    assert (await labels(client, "c"))[(0, 29)] == "(None, 10) · 58,250 params"

    answer = await hover(client, cell_uri("b"), 1, 12)
    assert "(None, 28, 26, 8)" in answer.contents.value
    assert answer.range.start.line == 1               # the cell's own line

    # a cell added between b and c changes what c sees
    notebook.splice(3, 0, ["new"], opened=[("new", "x = layers.Dense(4)(x)\n")])
    assert (await labels(client, "new")) == {(0, 22): "(None, 4) · 23,300 params"}
    assert (await labels(client, "c"))[(0, 29)] == "(None, 10) · 50 params"

    # moved below c: c sees Flatten's output again, the moved cell sees c's names
    notebook.splice(3, 2, ["c", "new"])
    assert (await labels(client, "c"))[(0, 29)] == "(None, 10) · 58,250 params"

    # removed
    notebook.splice(4, 1, [], closed=["new"])
    assert await labels(client, "new") == {}
    assert (await labels(client, "c"))[(1, 36)] == "Model: 58,330 params (227.85 KB)"
    notebook.close(["a", "md", "b", "c"])


async def test_diagnostics_are_published_on_cells_and_follow_edits_above(client):
    notebook = Notebook(client, [
        ("a", "import keras\nfrom keras import layers\nleft = keras.Input((8,))\nright = keras.Input((5,))\n"),
        ("b", "# sum\nsummed = layers.Add()([left, right])\n"),
    ])
    await wait_until(client, lambda: client.diagnostics.get(cell_uri("b")))
    [error] = client.diagnostics[cell_uri("b")]
    assert error.code == "incompatible-shapes" and error.range.start == types.Position(1, 9)
    assert not client.diagnostics.get(cell_uri("a"))

    notebook.edit("a", 3, 21, 22, "8")                # editing cell a fixes cell b
    await wait_until(client, lambda: list(client.diagnostics.get(cell_uri("b"), [None])) == [])

    notebook.edit("a", 3, 21, 22, "6")
    await wait_until(client, lambda: client.diagnostics.get(cell_uri("b")))
    client.notebook_document_did_save(types.DidSaveNotebookDocumentParams(
        notebook_document=types.NotebookDocumentIdentifier(NOTEBOOK)))
    notebook.close(["a", "b"])
    await wait_until(client, lambda: list(client.diagnostics.get(cell_uri("b"), [None])) == [])


async def test_a_cell_being_typed_keeps_the_hints_of_the_other_cells(client):
    notebook = Notebook(client, CELLS)
    assert (await labels(client, "c"))[(0, 29)] == "(None, 10) · 54,090 params"
    notebook.edit("b", 2, 23, 23, "(")                 # x = layers.Flatten()(x)(  : cell b does not parse
    assert (await labels(client, "c"))[(0, 29)] == "(None, 10) · 54,090 params"
    assert (await labels(client, "b"))[(1, 31)] == "(None, 26, 26, 8) · 80 params"
    notebook.close(["a", "md", "b", "c"])
    assert not client.server_errors()
