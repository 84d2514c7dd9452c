"""What an analysis produces: layer-call sites with their results, models with summary rows,
diagnostics and limit notes.  Plain data, shared by the CLI and the language server.

Positions are 1-based lines and 0-based *character* columns (not UTF-8 bytes as in ``ast``);
the server converts characters to the client's position encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import Derivation, ParamCount
from ..engine.shape import UNKNOWN


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class CallResult:
    """One execution of a layer call (a helper function run three times gives three)."""

    layer_name: str
    class_name: str
    output: object                    # engine shape structure, or UNKNOWN
    params: ParamCount | None         # weights created by this call (first build), else None
    derivation: Derivation | None
    input_shapes: object = None       # what the layer was called on
    layer_params: ParamCount | None = None  # the layer's weights after the call (shared layers)
    layer: object = None              # the layer stand-in called (LayerObj), for per-layer extras
    call_args: tuple | None = None    # (positional, keywords) the engine was called with
    macs: object = None               # a layer call's MACs (int or UNKNOWN), worked out as it ran
    node: object = None               # the graph node of a model call (its MACs are worked out later)


def copied(record, **changes):
    """``dataclasses.replace(record, **changes)`` for the plain records below (no ``__post_init__``,
    no slots, not frozen) without running ``__init__``: an edit moves or renames the rows of every
    model below it, thousands of them, and this is several times faster."""
    new = object.__new__(type(record))
    new.__dict__.update(record.__dict__)
    new.__dict__.update(changes)
    return new


KEPT_RESULTS = 64                     # a site keeps the results of its first 64 calls (a loop may run it thousands of times)


@dataclass
class CallSite:
    """A layer call (or a layer in a Sequential list) in the source, and what it produced."""

    span: Span
    results: list[CallResult] = field(default_factory=list)   # of its first ``KEPT_RESULTS`` calls
    kind: str = "layer"               # "layer", "model" (a model used as a layer), "helper" (a function call returning tensors)
    calls: int = 0                    # every call there, those past the kept results included
    cut_short: bool = False           # a loop that ran it stopped part-way: it may run more often

    @property
    def runs(self) -> int:
        """How many times it ran (at least, when ``cut_short``)."""
        return max(self.calls, len(self.results))

    @property
    def every_run_kept(self) -> bool:
        """Its results are all of its runs: none past the kept ones, none a stopped loop skipped."""
        return self.runs == len(self.results) and not self.cut_short


@dataclass
class LayerRow:
    """One row of ``model.summary()``."""

    name: str
    class_name: str
    output_shape: str
    params: object                    # int or UNKNOWN; "unbuilt" rows have 0
    span: Span | None
    built: bool = True
    macs: object = UNKNOWN            # every call of this row's operation in one forward pass


@dataclass
class TracedTable:
    """One pass of a subclassed model's ``call()`` traced by ShapeLens (not what Keras prints):
    ``how`` is ``"call"`` (the model was called on tensors of that shape) or ``"build"``
    (``model.build(shape)``; Keras's ``summary()`` shows ``?`` until the model is called)."""

    how: str
    input_shape: str
    output_shape: str
    rows: list[LayerRow]              # each tracked sublayer's output in this pass, its params after it
    params: ParamCount


@dataclass
class ModelReport:
    variable: str
    class_name: str                   # "Functional", "Sequential" or the subclass name
    keras_name: str                   # the model's own name ("functional", "sequential_1")
    span: Span | None
    rows: list[LayerRow]
    params: ParamCount
    sequential_like: bool = True
    macs: object = UNKNOWN            # one forward pass, per example (docs/macs.md)
    rows_complete: bool = True        # False: a branch or loop that cannot be decided may add rows
    traced: list[TracedTable] = field(default_factory=list)   # subclassed models: each traced pass


@dataclass
class Diagnostic:
    span: Span
    code: str
    message: str
    severity: str = "error"           # "error" | "information"


@dataclass
class Analysis:
    sites: dict = field(default_factory=dict)         # span -> CallSite
    models: list[ModelReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    syntax_ok: bool = True
