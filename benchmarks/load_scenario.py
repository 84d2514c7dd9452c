"""Load and endurance scenario shared by ``benchmarks/server_endurance.py`` and
``tests/robustness/test_robustness_load.py``: what an editor sends while a user types, and the driver that
sends it to a running language server.

* ``Buffer`` is the editor's copy of a document.  Edits are made in characters and come back
  as LSP incremental changes ``(line, character, end_line, end_character, text)`` with UTF-16
  positions, as VS Code sends them (a character outside the BMP, like an emoji, counts two).
* ``Typist`` makes the edits of a user, one ``didChange`` each: typing a comment (with accented
  letters and an emoji) or a new layer line character by character, backspacing, overtyping a
  digit of a layer argument, pasting a line, deleting a line, and undo (one change putting back
  what the last action changed).  Every action ends with the module parsing again, so the text
  at the end of a session is a valid module: its hints must equal a fresh analysis of it.
* ``Session`` drives a pygls client: opens documents, sends changes without waiting (as an
  editor does), asks for the inlay hints of a document and times the answer, and reads the
  server's memory from ``/proc``.  The client must record ``publishDiagnostics`` in a list
  ``client.published`` (``tests/test_server_helpers.make_client`` does; so does
  ``recording_client`` here).
* The scenario's steps, returning what they measured: ``burst`` (edits sent within a second,
  time to the hints of the last version, comparison with a fresh analysis), ``typing_latencies``
  (edits each followed by a viewport's hints), ``endurance`` (thousands of edits over many open
  files, hints after each action, memory every 1,000 edits, comparisons of every file).
"""

from __future__ import annotations

import ast
import asyncio
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

EVERYTHING = types.Range(types.Position(0, 0), types.Position(100_000, 0))

COMMENTS = ["  # größer: 🐱 test", "  # tuned", "  # é 🚀 x2", "  # TODO: check"]
LAYER_LINES = ['x = layers.Dropout(0.1)(x)', 'x = layers.Dense(32, activation="relu")(x)',
               "x = layers.BatchNormalization()(x)"]
OTHER_LINES = ["units_extra = 64", "# ---- notes: Ω 🐍 ----", 'label = "café"']


# ---- the editor's buffer ------------------------------------------------------------------------

def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Buffer:
    """A document as the editor holds it (``\\n`` line ends)."""

    def __init__(self, text: str):
        self.text = text

    def position(self, index: int) -> tuple[int, int]:
        """``(line, UTF-16 character)`` of a character index."""
        line = self.text.count("\n", 0, index)
        start = self.text.rfind("\n", 0, index) + 1
        return line, utf16_units(self.text[start:index])

    def line_start(self, line: int) -> int:
        index = 0
        for _ in range(line):
            index = self.text.index("\n", index) + 1
        return index

    def replace(self, start: int, end: int, new: str) -> tuple:
        """Replace characters ``[start, end)`` and return the LSP change."""
        a, b = self.position(start)
        c, d = self.position(end)
        self.text = self.text[:start] + new + self.text[end:]
        return (a, b, c, d, new)


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


# ---- the user ----------------------------------------------------------------------------------------

class Typist:
    """Makes realistic edits to one buffer; each action's changes are applied as they are made."""

    def __init__(self, buffer: Buffer, rng: random.Random):
        self.buffer = buffer
        self.rng = rng
        self.previous: str | None = None     # the text before the last kept action (for undo)

    # where things can go
    def _lines(self) -> list[str]:
        return self.buffer.text.split("\n")

    def _top_level_ends(self):
        """(last line, statement) of each one-line top-level statement, 0-based."""
        try:
            tree = ast.parse(self.buffer.text)
        except SyntaxError:
            return []
        return [(s.end_lineno - 1, s) for s in tree.body if s.lineno == s.end_lineno]

    def _digit_spots(self) -> list[int]:
        """Indices of digits in the arguments of layer calls."""
        spots = []
        for start, line in self._indexed_lines():
            if "layers." not in line or line.lstrip().startswith("#"):
                continue
            open_paren = line.find("(", line.find("layers."))
            comment = line.find("#")
            stop = comment if comment >= 0 else len(line)
            for k in range(open_paren + 1, stop):
                if line[k].isdigit() and line[k] != "0" and not line[k - 1].isalpha() and line[k - 1] != "_":
                    spots.append(start + k)
        return spots

    def _indexed_lines(self):
        index = 0
        for line in self._lines():
            yield index, line
            index += len(line) + 1

    def _code_line_ends(self) -> list[int]:
        """Ends of lines a comment can be typed after (code, not continued with a backslash)."""
        ends = []
        for start, line in self._indexed_lines():
            stripped = line.strip()
            if stripped and not stripped.endswith("\\") and not stripped.startswith(("#", '"""', "'''")):
                ends.append(start + len(line))
        return ends

    # the actions: each returns the list of changes it made
    def type_text(self, index: int, text: str) -> list:
        changes = []
        for ch in text:
            changes.append(self.buffer.replace(index, index, ch))
            index += 1
        return changes

    def backspace(self, index: int, count: int) -> list:
        changes = []
        for _ in range(count):
            changes.append(self.buffer.replace(index - 1, index, ""))   # an emoji goes as one (2 units)
            index -= 1
        return changes

    def overtype_digit(self) -> list:
        spots = self._digit_spots()
        if not spots:
            return []
        index = self.rng.choice(spots)
        old = self.buffer.text[index]
        new = self.rng.choice([d for d in "123456789" if d != old])
        return [self.buffer.replace(index, index + 1, new)]

    def comment(self) -> list:
        ends = self._code_line_ends()
        if not ends:
            return []
        index = self.rng.choice(ends)
        text = self.rng.choice(COMMENTS)
        changes = self.type_text(index, text)
        if self.rng.random() < 0.4:
            changes += self.backspace(index + len(text), len(text))
        return changes

    def new_line(self) -> list:
        spots = self._top_level_ends()
        if not spots:
            return []
        line, stmt = self.rng.choice(spots)
        is_x = (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == "x")
        text = self.rng.choice(LAYER_LINES if is_x else OTHER_LINES)
        lines = self._lines()
        index = self.buffer.line_start(line) + len(lines[line])
        return self.type_text(index, "\n" + text)

    def paste_line(self) -> list:
        spots = self._top_level_ends()
        if len(spots) < 2:
            return []
        lines = self._lines()
        source = lines[self.rng.choice(spots)[0]]
        line, _stmt = self.rng.choice(spots)
        index = self.buffer.line_start(line) + len(lines[line])
        return [self.buffer.replace(index, index, "\n" + source)]

    def delete_line(self) -> list:
        lines = self._lines()
        spots = [line for line, stmt in self._top_level_ends()
                 if lines[line].startswith("x = layers.") and line + 1 < len(lines)]
        if not spots:
            return []
        line = self.rng.choice(spots)
        start = self.buffer.line_start(line)
        return [self.buffer.replace(start, start + len(lines[line]) + 1, "")]

    def undo(self) -> list:
        """Put back the text before the last action, as one change (the differing middle)."""
        old, new = self.previous, self.buffer.text
        if old is None or old == new:
            return []
        prefix = 0
        limit = min(len(old), len(new))
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
            suffix += 1
        self.previous = None
        return [self.buffer.replace(prefix, len(new) - suffix, old[prefix:len(old) - suffix])]

    ACTIONS = [("overtype_digit", 3), ("comment", 4), ("new_line", 2), ("paste_line", 2),
               ("delete_line", 1), ("undo", 3)]

    def action(self, budget: int = 10 ** 9) -> list:
        """One user action of at most ``budget`` changes (at least one change when possible)."""
        before = self.buffer.text
        names = [name for name, _ in self.ACTIONS]
        weights = [weight for _, weight in self.ACTIONS]
        for _ in range(50):
            name = self.rng.choices(names, weights)[0]
            if budget < 100 and name in ("comment", "new_line"):
                name = "overtype_digit"      # one change: the budget is nearly spent
            changes = getattr(self, name)()
            if changes:
                break
        else:
            raise ValueError("no edit fits this text")
        assert len(changes) <= max(budget, 1), (name, len(changes), budget)
        assert parses(self.buffer.text) or not parses(before), f"{name} left a broken module"
        if name != "undo":
            self.previous = before
        return changes

    def edits(self, count: int) -> list:
        """At least ``count`` changes (whole actions)."""
        changes = []
        while len(changes) < count:
            changes += self.action(count - len(changes))
        return changes


ROOT = Path(__file__).resolve().parent.parent


def example_files(count: int) -> list[Path]:
    """``count`` of the example models, spread over their sorted list (deterministic)."""
    files = sorted((ROOT / "examples").glob("*.py"))
    count = min(count, len(files))
    return [files[i * len(files) // count] for i in range(count)]


def fresh_uri(doc) -> str:
    """Where a document's final text is opened again: the same folder (the same imports)."""
    folder, _, name = doc.uri.rpartition("/")
    return f"{folder}/fresh_{name}"


# ---- the driver -----------------------------------------------------------------------------------

def rss_kib(pid: int, field_name: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise KeyError(field_name)


@dataclass
class Doc:
    uri: str
    buffer: Buffer
    typist: Typist
    version: int = 1
    edits: int = 0
    published_from: int = 0       # the client's diagnostics from this index on are this opening's


@dataclass
class Session:
    """Sends what an editor sends; ``client`` records ``publishDiagnostics`` in ``published``."""

    client: object
    timeout: float = 60.0
    docs: dict = field(default_factory=dict)

    def open(self, uri: str, text: str, rng: random.Random | None = None) -> Doc:
        buffer = Buffer(text)
        doc = Doc(uri, buffer, Typist(buffer, rng or random.Random(uri)), published_from=len(self.client.published))
        self.docs[uri] = doc
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        return doc

    def close(self, uri: str) -> None:
        self.docs.pop(uri, None)
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))

    def send(self, doc: Doc, change: tuple) -> None:
        """One ``didChange`` with one incremental change (not waiting for anything)."""
        a, b, c, d, text = change
        doc.version += 1
        doc.edits += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            [types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(a, b), types.Position(c, d)), text=text)]))

    async def hints(self, uri: str, rng: types.Range = EVERYTHING) -> list:
        result = await asyncio.wait_for(self.client.text_document_inlay_hint_async(
            types.InlayHintParams(types.TextDocumentIdentifier(uri), rng)), self.timeout)
        return result or []

    async def timed_hints(self, uri: str, rng: types.Range = EVERYTHING) -> tuple[float, list]:
        start = time.perf_counter()
        result = await self.hints(uri, rng)
        return time.perf_counter() - start, result

    async def burst(self, doc: Doc, changes: list, seconds: float = 1.0) -> float:
        """Send ``changes`` evenly over about ``seconds`` (in slices of 10, as a fast typist's
        key repeat or a macro would); returns how long sending took."""
        start = time.perf_counter()
        for k, change in enumerate(changes):
            self.send(doc, change)
            if k % 10 == 9:
                due = start + seconds * (k + 1) / len(changes)
                delay = due - time.perf_counter()
                await asyncio.sleep(max(delay, 0))
        return time.perf_counter() - start

    async def published_for(self, doc: Doc):
        """The diagnostics published for the document's current version (waits for them)."""
        uri, version = doc.uri, doc.version
        deadline = time.perf_counter() + self.timeout
        while True:
            for params in reversed(self.client.published[doc.published_from:]):
                if params.uri == uri and params.version == version:
                    return params
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            await asyncio.sleep(0.01)


def hint_key(result) -> list:
    """Hints as comparable values: ``(line, character, label)`` sorted."""
    return sorted((h.position.line, h.position.character, str(h.label)) for h in result)


def diagnostic_key(params) -> list:
    return sorted((d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
                   d.severity, str(d.code), d.message) for d in params.diagnostics)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- the scenario ------------------------------------------------------------------------------------

@dataclass
class Comparison:
    """A document's hints and last diagnostics, and those of its text opened under a new URI."""

    hints: list
    fresh_hints: list
    diagnostics: list
    fresh_diagnostics: list

    @property
    def hints_ok(self) -> bool:
        return self.hints == self.fresh_hints

    @property
    def diagnostics_ok(self) -> bool:
        return self.diagnostics == self.fresh_diagnostics


async def compare_fresh(session: Session, doc: Doc, fresh_uri: str) -> Comparison:
    """The document's hints and the diagnostics published for its last version, against the
    same text opened under ``fresh_uri`` (closed again)."""
    hints = hint_key(await session.hints(doc.uri))
    diagnostics = diagnostic_key(await session.published_for(doc))
    fresh = session.open(fresh_uri, doc.buffer.text)
    fresh_hints = hint_key(await session.hints(fresh_uri))
    fresh_diagnostics = diagnostic_key(await session.published_for(fresh))
    session.close(fresh_uri)
    return Comparison(hints, fresh_hints, diagnostics, fresh_diagnostics)


async def typing_latencies(session: Session, doc: Doc, count: int) -> list[float]:
    """``count`` single edits, each followed by the hints of a 60-line viewport around it (as
    ``server_latency.py`` measures): seconds from sending the edit to the answer."""
    latencies = []
    for _ in range(count):
        change = doc.typist.action(1)[0]
        first = max(0, change[0] - 30)
        viewport = types.Range(types.Position(first, 0), types.Position(first + 60, 0))
        start = time.perf_counter()
        session.send(doc, change)
        await session.hints(doc.uri, viewport)
        latencies.append(time.perf_counter() - start)
    return latencies


@dataclass
class BurstResult:
    edits: int
    sending: float            # seconds to send them
    hints_after: float        # seconds from the last edit sent to the whole file's hints
    cpu: float                # server CPU seconds from the first edit to those hints
    comparison: Comparison


async def burst(session: Session, doc: Doc, count: int, seconds: float, fresh_uri: str, pid: int) -> BurstResult:
    """``count`` edits sent within ``seconds``, then the whole file's hints, then the comparison
    with a fresh analysis of the final text."""
    changes = doc.typist.edits(count)
    cpu = cpu_seconds(pid)
    sending = await session.burst(doc, changes, seconds)
    ended = time.perf_counter()
    await session.hints(doc.uri)
    hints_after = time.perf_counter() - ended
    cpu = cpu_seconds(pid) - cpu
    return BurstResult(len(changes), sending, hints_after, cpu, await compare_fresh(session, doc, fresh_uri))


@dataclass
class EnduranceResult:
    edits: int
    seconds: float
    latencies: list                                   # edit action -> the file's hints
    rss: dict = field(default_factory=dict)           # edits sent -> VmRSS KiB (0: before)
    comparisons: dict = field(default_factory=dict)   # uri -> Comparison


async def endurance(session: Session, docs: list, count: int, rng: random.Random, pid: int,
                    fresh_uri, mark_every: int = 1000) -> EnduranceResult:
    """``count`` edits over ``docs``: a few actions on one file, then another, as a user moves
    around; after each action the edited file's hints are requested (and timed).  VmRSS is read
    before, every ``mark_every`` edits and at the end; then each file's final results are
    compared with a fresh analysis (``fresh_uri(doc)``)."""
    result = EnduranceResult(0, 0.0, [], {0: rss_kib(pid)})
    started = time.perf_counter()
    next_mark = mark_every
    while result.edits < count:
        doc = rng.choice(docs)
        for _ in range(rng.randint(1, 4)):
            changes = doc.typist.action(count - result.edits)
            for change in changes:
                session.send(doc, change)
            result.edits += len(changes)
            seconds, _ = await session.timed_hints(doc.uri)
            result.latencies.append(seconds)
            while result.edits >= next_mark:
                result.rss[next_mark] = rss_kib(pid)
                next_mark += mark_every
            if result.edits >= count:
                break
    result.seconds = time.perf_counter() - started
    result.rss[result.edits] = rss_kib(pid)
    for doc in docs:
        result.comparisons[doc.uri] = await compare_fresh(session, doc, fresh_uri(doc))
    return result


def error_lines(lines) -> list[str]:
    """The server's stderr lines that signal a bug (tracebacks, ERROR and CRITICAL records)."""
    return [line for line in lines if "Traceback" in line or line.startswith(("ERROR", "CRITICAL"))]


def recording_client(name: str = "shapelens-endurance"):
    """A plain pygls client that records ``publishDiagnostics`` in ``client.published``; after
    ``start_server`` also the server's stderr lines in ``client.stderr_lines``."""
    from pygls.lsp.client import LanguageClient

    client = LanguageClient(name, "1")
    client.published = []
    client.stderr_lines = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params):
        client.published.append(params)

    return client


async def start_server(client, *command) -> None:
    """Start the server and read its stderr (pygls's client pipes it but never reads it: a
    server logging more than the pipe holds would block)."""
    await client.start_io(*command)

    async def drain():
        while (line := await client._server.stderr.readline()) != b"":
            client.stderr_lines.append(line.decode("utf-8", "replace"))

    client.stderr_task = asyncio.ensure_future(drain())
