"""Hypothesis strategies for ``tests/robustness/test_robustness_generated.py``.

* ``token_soup()`` -- random sequences of Python tokens, keywords, Keras names, numbers (huge,
  negative, zero), strings, brackets and line structure: mostly invalid Python;
* ``mutated_example()`` -- a file of ``examples/`` with literals, names and brackets replaced
  by hostile ones (0, -1, 10**100, None, "a", ...): mostly valid Python, odd Keras;
* ``keras_program()`` -- a *valid* small Keras program (Sequential list, ``Sequential.add``,
  functional with branches merged by Add/Concatenate/..., a helper function with loops, or a
  subclassed ``keras.Model`` called on a ``keras.Input``), built shape-aware so that Keras
  accepts it: the analyser must report no error for it (real Keras is asked when it does).
"""

from __future__ import annotations

import keyword
import math
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.py"))

# ---- token soup ----------------------------------------------------------------------------

KERAS_NAMES = [
    "keras", "layers", "keras.layers", "tf.keras", "keras.Input", "keras.Model", "keras.Sequential",
    "Dense", "Conv2D", "Conv1D", "Conv3D", "LSTM", "GRU", "Flatten", "Reshape", "Concatenate", "Add",
    "Embedding", "MaxPooling2D", "BatchNormalization", "Dropout", "Lambda", "TimeDistributed",
    "MultiHeadAttention", "Input", "Model", "Sequential", "add", "build", "summary", "compile",
    "model", "x", "y", "inputs", "outputs", "self", "super().__init__", "call", "keras.ops.reshape",
    "keras.applications.ResNet50", "input_shape", "units", "filters", "kernel_size", "padding",
    "'same'", "'valid'", "activation", "'relu'", "name", "axis", "return_sequences", "shape",
]
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^", "~", "<", ">",
             "<=", ">=", "==", "!=", "=", "+=", "-=", "*=", ":=", "->", ".", ",", ":", ";", "...",
             "*", "**", "lambda", "(", ")", "[", "]", "{", "}", "(", ")", "[", "]"]
NUMBERS = ["0", "1", "-1", "3", "32", "0.5", "1e308", "1e-308", "10**100", "2**64", "10**10**10",
           "1 << 10**9", "0x7fffffff", "0b1", "0o7", "1j", "1_000_000", "float('nan')", "-0", "None",
           "True", "False", "(1, 2)", "(None, 4)", "[]", "()", "{}", "range(10**9)", "'a' * 10**10"]
STRINGS = ["'a'", '"b"', "f'{x}'", "f'{x!r:>10}'", "b'x'", "r'\\d'", "'''doc'''", "'\\udcff'", "'é😀'",
           "'unterminated", "\"{}\".format(1)", "'%d' % 3"]
LAYOUT = ["\n", "\n", "\n    ", "\n        ", "\n\t", "\\\n", "  ", "#", "\r\n", "\x0c", "\x00"]
TOKENS = (KERAS_NAMES + OPERATORS + NUMBERS + STRINGS + LAYOUT + keyword.kwlist
          + ["def", "class", "return", "for", "in", "while", "if", "else", "with", "import", "from", "as",
             "yield", "await", "async", "global", "nonlocal", "try:", "except:", "finally:", "pass"])


@st.composite
def token_soup(draw, max_tokens: int = 120) -> str:
    tokens = draw(st.lists(st.sampled_from(TOKENS), min_size=0, max_size=max_tokens))
    header = draw(st.sampled_from(["", "import keras\nfrom keras import layers\n",
                                   "import tensorflow as tf\n", "from keras.layers import *\n"]))
    return header + " ".join(tokens) + draw(st.sampled_from(["", "\n"]))


# ---- mutated examples ------------------------------------------------------------------------------

HOSTILE_LITERALS = ["0", "-1", "-7", "10**100", "2**64", "10**5000", "1e308", "0.5", "-0.0", "None", "'a'",
                    "()", "[]", "(None,)", "(0, 0)", "(-1, -1)", "True", "range(10**9)", "float('inf')",
                    "x", "keras", "layers.Dense", "lambda t: t", "[[]]", "{}", "(1, 2, 3, 4, 5, 6, 7)"]


@st.composite
def mutated_example(draw) -> tuple[str, str]:
    """``(example file name, mutated source)``: a few literals / tokens replaced or deleted."""
    import io
    import tokenize

    path = draw(st.sampled_from(EXAMPLES))
    source = path.read_text(encoding="utf-8")
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    candidates = [i for i, t in enumerate(tokens) if t.type in (tokenize.NUMBER, tokenize.STRING, tokenize.NAME, tokenize.OP)]
    count = draw(st.integers(1, 4))
    lines = source.splitlines(keepends=True)
    edits = []
    for _ in range(count):
        index = draw(st.sampled_from(candidates))
        token = tokens[index]
        if token.type == tokenize.NUMBER:
            replacement = draw(st.sampled_from(HOSTILE_LITERALS))
        elif token.type == tokenize.OP:
            replacement = draw(st.sampled_from(["", "(", ")", "[", "]", ",", "*", "**", "+", ":"]))
        else:
            replacement = draw(st.sampled_from(HOSTILE_LITERALS + ["", token.string * 2]))
        edits.append((token.start, token.end, replacement))
    # apply from the end so positions stay valid; skip overlapping edits
    edits.sort(reverse=True)
    last_start = None
    for (sl, sc), (el, ec), replacement in edits:
        if last_start is not None and (el, ec) > last_start:
            continue
        if sl != el:
            continue
        line = lines[sl - 1]
        lines[sl - 1] = line[:sc] + replacement + line[ec:]
        last_start = (sl, sc)
    return path.name, "".join(lines)


# ---- valid Keras programs ---------------------------------------------------------------------------

ACTIVATIONS = ["None", "'relu'", "'tanh'", "'sigmoid'", "'softmax'", "'gelu'", "'linear'", "'elu'"]


def _pool_out(size: int, pool: int, padding: str, strides: int) -> int:
    if padding == "same":
        return math.ceil(size / strides)
    return (size - pool) // strides + 1


def _conv_out(size: int, kernel: int, padding: str, strides: int) -> int:
    if padding == "same":
        return math.ceil(size / strides)
    return (size - kernel) // strides + 1


@st.composite
def _layer(draw, shape: list[int], int_input: bool):
    """One layer valid for ``shape`` (without the batch dim): ``(code, new_shape)``."""
    rank = len(shape)
    options = ["Dense", "Dropout", "Activation", "LayerNormalization", "BatchNormalization"]
    if int_input:
        options = ["Embedding"]
    elif rank == 1:
        options += ["RepeatVector", "Reshape"]
    elif rank == 2:
        options += ["Conv1D", "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D",
                    "LSTM", "GRU", "SimpleRNN", "Flatten", "UpSampling1D", "ZeroPadding1D", "Permute", "Cropping1D"]
    elif rank == 3:
        options += ["Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Flatten",
                    "UpSampling2D", "ZeroPadding2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose"]
    kind = draw(st.sampled_from(options))
    small = st.integers(1, 12)
    if kind == "Embedding":
        vocab, dim = draw(st.integers(2, 50)), draw(st.integers(1, 8))
        return f"layers.Embedding({vocab}, {dim})", shape + [dim]
    if kind == "Dense":
        units = draw(small)
        return f"layers.Dense({units}, activation={draw(st.sampled_from(ACTIVATIONS))})", shape[:-1] + [units]
    if kind == "Dropout":
        return f"layers.Dropout({draw(st.sampled_from(['0.0', '0.1', '0.5', '0.9']))})", shape
    if kind == "Activation":
        return f"layers.Activation({draw(st.sampled_from(ACTIVATIONS[1:]))})", shape
    if kind in ("LayerNormalization", "BatchNormalization"):
        return f"layers.{kind}()", shape
    if kind == "RepeatVector":
        n = draw(st.integers(1, 6))
        return f"layers.RepeatVector({n})", [n] + shape
    if kind == "Reshape":
        total = shape[0]
        divisors = [d for d in range(1, total + 1) if total % d == 0]
        a = draw(st.sampled_from(divisors))
        use_minus = draw(st.booleans())
        return f"layers.Reshape(({a}, {-1 if use_minus else total // a}))", [a, total // a]
    if kind == "Flatten":
        return "layers.Flatten()", [math.prod(shape)]
    if kind == "Permute":
        return "layers.Permute((2, 1))", [shape[1], shape[0]]
    if kind in ("GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D"):
        return f"layers.{kind}()", [shape[-1]]
    if kind in ("LSTM", "GRU", "SimpleRNN"):
        units, seq = draw(st.integers(1, 8)), draw(st.booleans())
        return f"layers.{kind}({units}, return_sequences={seq})", ([shape[0], units] if seq else [units])
    if kind == "UpSampling1D":
        n = draw(st.integers(1, 3))
        return f"layers.UpSampling1D({n})", [shape[0] * n, shape[1]]
    if kind == "UpSampling2D":
        n = draw(st.integers(1, 3))
        return f"layers.UpSampling2D({n})", [shape[0] * n, shape[1] * n, shape[2]]
    if kind == "ZeroPadding1D":
        n = draw(st.integers(0, 3))
        return f"layers.ZeroPadding1D({n})", [shape[0] + 2 * n, shape[1]]
    if kind == "ZeroPadding2D":
        n = draw(st.integers(0, 3))
        return f"layers.ZeroPadding2D({n})", [shape[0] + 2 * n, shape[1] + 2 * n, shape[2]]
    if kind == "Cropping1D":
        if shape[0] < 3:
            return "layers.Cropping1D((0, 0))", shape
        a = draw(st.integers(0, (shape[0] - 1) // 2))
        return f"layers.Cropping1D(({a}, {a}))", [shape[0] - 2 * a, shape[1]]
    padding = draw(st.sampled_from(["valid", "same"]))
    strides = draw(st.integers(1, 2))
    if kind in ("Conv1D", "MaxPooling1D", "AveragePooling1D"):
        limit = shape[0] if padding == "valid" else 5
        k = draw(st.integers(1, max(1, min(5, limit))))
        out = _conv_out(shape[0], k, padding, strides)
        if kind == "Conv1D":
            f = draw(small)
            return f"layers.Conv1D({f}, {k}, strides={strides}, padding='{padding}')", [out, f]
        return f"layers.{kind}({k}, strides={strides}, padding='{padding}')", [_pool_out(shape[0], k, padding, strides), shape[1]]
    if kind in ("Conv2D", "MaxPooling2D", "AveragePooling2D", "SeparableConv2D", "DepthwiseConv2D"):
        limit = min(shape[0], shape[1]) if padding == "valid" else 5
        k = draw(st.integers(1, max(1, min(5, limit))))
        h, w = _conv_out(shape[0], k, padding, strides), _conv_out(shape[1], k, padding, strides)
        if kind in ("Conv2D", "SeparableConv2D"):
            f = draw(small)
            return f"layers.{kind}({f}, {k}, strides={strides}, padding='{padding}')", [h, w, f]
        if kind == "DepthwiseConv2D":
            return f"layers.DepthwiseConv2D({k}, strides={strides}, padding='{padding}')", [h, w, shape[2]]
        return f"layers.{kind}({k}, strides={strides}, padding='{padding}')", [h, w, shape[2]]
    if kind == "Conv2DTranspose":
        f, k = draw(small), draw(st.integers(1, 4))
        if padding == "same":
            h, w = shape[0] * strides, shape[1] * strides
        else:
            h, w = (shape[0] - 1) * strides + k, (shape[1] - 1) * strides + k
        return f"layers.Conv2DTranspose({f}, {k}, strides={strides}, padding='{padding}')", [h, w, f]
    raise AssertionError(kind)


def _shape_text(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


@st.composite
def keras_program(draw) -> str:
    """A valid Keras file binding one model (``model``); spatial sizes stay positive."""
    style = draw(st.sampled_from(["sequential", "sequential_add", "functional", "helper", "subclass"]))
    start = draw(st.sampled_from(["vector", "sequence", "image", "tokens"]))
    if start == "vector":
        shape = [draw(st.integers(1, 32))]
    elif start == "sequence":
        shape = [draw(st.integers(4, 24)), draw(st.integers(1, 8))]
    elif start == "image":
        shape = [draw(st.integers(6, 24)), draw(st.integers(6, 24)), draw(st.integers(1, 4))]
    else:
        shape = [draw(st.integers(2, 16))]
    int_input = start == "tokens"
    dtype = ", dtype='int32'" if int_input else ""
    n = draw(st.integers(1, 6))
    body = []                      # functional: statements; sequential: layer expressions
    current = list(shape)
    for i in range(n):
        code, new = draw(_layer(current, int_input and i == 0))
        if min(new) < 1:
            break
        current = new
        if style != "functional":
            body.append(code)
            if style in ("helper", "subclass") and draw(st.integers(0, 3)) == 0:
                # a shape-preserving layer repeated in a loop
                repeat = draw(st.sampled_from(["layers.Dropout(0.1)", "layers.Activation('relu')",
                                               f"layers.Dense({current[-1]})", "layers.LayerNormalization()"]))
                body.append(f"loop:{draw(st.integers(1, 4))}:{repeat}")
            continue
        body.append(f"x = {code}(x)")
        if not (int_input and i == 0) and draw(st.integers(0, 3)) == 0:
            # a branch merged back into the main path
            branch = draw(st.sampled_from(["layers.Dropout(0.2)", "layers.Activation('relu')",
                                           "layers.LayerNormalization()", f"layers.Dense({current[-1]})",
                                           f"layers.Dense({draw(st.integers(1, 6))})"]))
            same = not branch.startswith("layers.Dense(") or branch == f"layers.Dense({current[-1]})"
            merges = ["layers.Concatenate()"] + (["layers.Add()", "layers.Multiply()", "layers.Average()",
                                                  "layers.Maximum()", "layers.Subtract()"] if same else [])
            merge = draw(st.sampled_from(merges))
            body.append(f"b = {branch}(x)")
            body.append(f"x = {merge}([x, b])")
            if merge == "layers.Concatenate()":
                extra = current[-1] if same else int(branch[len("layers.Dense("):-1])
                current = current[:-1] + [current[-1] + extra]
    if not body:
        body.append("x = layers.Dense(2)(x)" if style == "functional" else "layers.Dense(2)")
    lines = ["import keras", "from keras import layers", ""]
    if style == "sequential":
        lines.append(f"model = keras.Sequential([keras.Input({_shape_text(shape)}{dtype})] + [")
        lines += [f"    {c}," for c in body]
        lines.append("])")
    elif style == "sequential_add":
        lines.append("model = keras.Sequential()")
        lines.append(f"model.add(keras.Input({_shape_text(shape)}{dtype}))")
        lines += [f"model.add({c})" for c in body]
    elif style == "helper":
        lines.append("def block(x, repeat=1):")
        for c in body:
            if c.startswith("loop:"):
                _, n, layer = c.split(":", 2)
                lines.append(f"    for _ in range({n} * repeat):")
                lines.append(f"        x = {layer}(x)")
            else:
                lines.append(f"    x = {c}(x)")
        lines.append("    return x")
        lines.append("")
        lines.append(f"inputs = keras.Input({_shape_text(shape)}{dtype})")
        lines.append("model = keras.Model(inputs, block(inputs))")
    elif style == "subclass":
        lines.append("class Net(keras.Model):")
        lines.append("    def __init__(self, **kwargs):")
        lines.append("        super().__init__(**kwargs)")
        calls = []
        for i, c in enumerate(body):
            if c.startswith("loop:"):
                _, n, layer = c.split(":", 2)
                lines.append(f"        self.loop{i} = [{layer} for _ in range({n})]")
                calls.append(f"        for layer in self.loop{i}:\n            x = layer(x)")
            else:
                lines.append(f"        self.l{i} = {c}")
                calls.append(f"        x = self.l{i}(x)")
        lines.append("")
        lines.append("    def call(self, x):")
        lines += calls
        lines.append("        return x")
        lines.append("")
        lines.append("model = Net()")
        lines.append(f"y = model(keras.Input({_shape_text(shape)}{dtype}))")
    else:
        lines.append(f"inputs = keras.Input({_shape_text(shape)}{dtype})")
        lines.append("x = inputs")
        lines += body
        lines.append("model = keras.Model(inputs, x)")
    return "\n".join(lines) + "\n"


__all__ = ["token_soup", "mutated_example", "keras_program", "EXAMPLES"]
