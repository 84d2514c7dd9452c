"""``keras.applications`` backbones in the analyser: the engine builds the architecture
(``engine.applications``); this wraps the result as a model the interpreter can summarise, freeze
(``base.trainable = False``) and call on tensors (``base(inputs)``)."""

from __future__ import annotations

from typing import cast

from ..engine import ParamCount, ShapeError
from ..engine.applications import APPLICATIONS, build_application
from ..engine.shape import UNKNOWN, format_dim
from . import calls
from .models import FunctionalModel, ModelObj
from .values import Operation, SymTensor


def _shape_text(shape) -> str:
    if not isinstance(shape, tuple):
        return "?"
    return "(" + ", ".join(format_dim(d) for d in shape) + ")"


class RowOp(Operation):
    """One summary row of a built application (its layers are not interpreted one by one)."""

    def __init__(self, row):
        super().__init__(row.name, row.class_name, None)
        self.output_text = _shape_text(row.output_shape)
        self._params = row.params

    def param_count(self) -> ParamCount:
        return self._params


class _Weights:
    """All of the backbone's weights, as one leaf for the totals of a model that uses it."""

    def __init__(self, model: "ApplicationModel"):
        self.model = model

    def param_count(self) -> ParamCount:
        params = self.model.app.params
        return params if self.model.trainable else params.frozen()


class ApplicationModel(ModelObj):
    def __init__(self, app, name: str, positional, keywords, site, rec):
        super().__init__(app.name if isinstance(app.name, str) else name.lower(), "Functional", site)
        self.app = app
        self.call_spec = (name, positional, keywords)
        self.trainable = True
        self.rows = [RowOp(row) for row in app.operations]
        self.complete = app.params.total is not UNKNOWN
        self._weights = _Weights(self)
        self.inputs = calls.make_input(rec, app.input_shape, self.rows[0].name if self.rows else None, None)
        self.outputs = calls.attach_call(rec, self, self.inputs, app.output_shape, None)

    def summary_layers(self):
        return self.rows

    def leaves(self) -> list:
        return [self._weights]

    def param_count(self) -> ParamCount:
        return self._weights.param_count()

    def set_trainable(self, value) -> None:
        self.trainable = value is not False

    def output_for(self, input_shape):
        return application_output(self.app, self.call_spec, input_shape)


class ApplicationGraph(FunctionalModel):
    """A backbone built on its own ``Input``, as a functional model of its layers
    (``inlined.inline_application``).  Called on another input size, it is built again."""

    app: object
    call_spec: tuple

    def output_for(self, input_shape):
        return application_output(self.app, self.call_spec, input_shape)


def application_output(app, call_spec, input_shape):
    """The backbone's output for an input of another size (Keras recomputes it)."""
    if not isinstance(input_shape, tuple):
        return UNKNOWN          # never the backbone's own shape: the input could be any
    if input_shape == app.input_shape:
        return app.output_shape
    name, positional, keywords = call_spec
    try:
        rebuilt = build_application(name, list(positional), dict(keywords, input_shape=input_shape[1:]))
    except (ShapeError, KeyError, TypeError, ValueError):
        return UNKNOWN
    return rebuilt.output_shape


def application_model(rec, name: str, positional, keywords, site):
    if name not in APPLICATIONS:
        return UNKNOWN
    pos = [calls.to_engine(v) for v in positional]
    kw = {k: calls.to_engine(v) for k, v in keywords.items()}
    tensor = keywords.get("input_tensor")
    if isinstance(tensor, SymTensor):
        kw["input_tensor"] = tensor.shape
    try:
        app = build_application(name, pos, kw, uids=rec.uid_counts())
    except ShapeError as error:
        rec.error(site, error.code, error.message)
        return UNKNOWN
    except Exception:  # noqa: BLE001 - an architecture the engine cannot build is "?"
        return UNKNOWN
    if not app.operations:        # the architecture itself depends on an unknown value
        return UNKNOWN
    from .inlined import inline_application
    if isinstance(tensor, SymTensor) and tensor.node is not None and app.output_tensor is not None:
        return inline_application(app, tensor, site)
    if app.output_tensor is not None and app.output_tensor.node is not None and app.operations \
            and app.operations[0].class_name == "InputLayer":
        own_input = calls.make_input(rec, app.input_shape, app.operations[0].name, None)
        graph = cast(ApplicationGraph, inline_application(app, own_input, site, ApplicationGraph))
        graph.call_spec = (name, pos, kw)
        graph.app = app
        graph.complete = graph.complete and app.params.total is not UNKNOWN
        return graph
    return ApplicationModel(app, name, pos, kw, site, rec)
