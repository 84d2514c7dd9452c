"""Hostile sources for the robustness tests (analyser in isolated processes, and the server).

``CASES`` maps a name to ``(source, valid Keras code?)``: deep nesting, long expressions,
recursion, endless loops, huge numbers, cyclic data, odd characters...; ``KEEPS_GOOD`` names the
cases whose valid model after the hostile part must still be found (or a note say why not);
``one_mb_cases()`` are 1 MB lines, ``ten_mb(kind)`` 10 MB files.
"""

from __future__ import annotations

K = "import keras\nfrom keras import layers\n"          # the usual header
GOOD = "x_in = keras.Input((4,))\ngood = keras.Model(x_in, layers.Dense(2)(x_in))\n"   # a model after the hostile part


def _deep(open_: str, close: str, n: int, inner="1") -> str:
    return open_ * n + inner + close * n


CASES: dict[str, tuple[str, bool]] = {
    # name: (source, valid Keras code?)
    # -- deep nesting -----------------------------------------------------------------------
    "parens_5000": ("x = " + _deep("(", ")", 5000) + "\n" + K + GOOD, True),
    "parens_150_in_dense": (K + "x = keras.Input((4,))\ny = layers.Dense(" + _deep("(", ")", 150, "3")
                            + ")(x)\nmodel = keras.Model(x, y)\n", True),
    "brackets_5000": ("x = " + _deep("[", "]", 5000) + "\n" + K + GOOD, True),
    "braces_5000": ("x = " + _deep("{1: ", "}", 5000) + "\n" + K + GOOD, True),
    "calls_5000": ("def f(x):\n    return x\nx = " + _deep("f(", ")", 5000) + "\n" + K + GOOD, True),
    "calls_150": ("def f(x):\n    return x\nx = " + _deep("f(", ")", 150) + "\n" + K + GOOD, True),
    "plus_100k": (K + GOOD + "a = 1\nx = " + "+".join(["a"] * 100_000) + "\n", True),
    "plus_3000": (K + GOOD + "a = 1\nx = " + "+".join(["a"] * 3000) + "\n" + GOOD.replace("good", "good2"), True),
    "plus_900": (K + GOOD + "a = 1\nx = " + "+".join(["a"] * 900) + "\n", True),
    "tensor_plus_2000": (K + "x = keras.Input((4,))\ny = " + "+".join(["x"] * 2000) + "\nmodel = keras.Model(x, y)\n", True),
    "unary_100k": ("x = " + "-" * 100_000 + "1\n" + K + GOOD, True),
    "not_50k": ("x = " + "not " * 50_000 + "1\n" + K + GOOD, True),
    "lambda_5000": ("f = " + "lambda: " * 5000 + "1\n" + K + GOOD, True),
    "ifexp_5000": ("x = " + "1 if 1 else " * 5000 + "1\n" + K + GOOD, True),
    "attr_100k": ("x = a" + ".b" * 100_000 + "\n" + K + GOOD, True),
    "subscript_100k": ("a = [1]\nx = a" + "[0]" * 100_000 + "\n" + K + GOOD, True),
    "callchain_100k": ("x = a" + "()" * 100_000 + "\n" + K + GOOD, True),
    "compare_chain_50k": ("x = 1" + " < 2" * 50_000 + "\n" + K + GOOD, True),
    "boolop_50k": ("x = " + " and ".join(["1"] * 50_000) + "\n" + K + GOOD, True),
    "nested_defs_95": ("".join("    " * i + f"def f{i}(x):\n" for i in range(95)) + "    " * 95 + "return x\n" + K + GOOD, True),
    "nested_ifs_1000": ("".join(" " * i + "if 1:\n" for i in range(1000)) + " " * 1000 + "pass\n" + K + GOOD, True),
    "nested_fors_30": (K + "x = keras.Input((4,))\n" + "".join("    " * i + f"for i{i} in range(3):\n" for i in range(30))
                       + "    " * 30 + "x = layers.Dense(4)(x)\nmodel = keras.Model(keras.Input((4,)), x)\n", True),
    "nested_comprehension": ("x = [" + "".join(f"i{i} for i{i} in range(10) " for i in range(12)) + "]\n" + K + GOOD, True),
    "deep_list_value": ("a = []\nfor i in range(5000):\n    a = [a]\nb = a == a\nc = sorted([a, a])\n" + K
                        + "s = keras.Sequential(a)\n" + GOOD, True),
    "dag_list_2pow60": ("a = [1]\nfor i in range(60):\n    a = [a, a]\nb = a == a\nc = str(a)\nd = sorted(a)\n" + K + GOOD, True),
    "dag_list_into_layer": (K + "a = [1] * 64\nfor i in range(6):\n    a = [a] * 64\nl = layers.Dense(4)\ny = l(a)\n"
                            "z = layers.Dense(a)\nm = keras.Model(a, a)\n" + GOOD, True),
    "dag_tensors_into_model": (K + "x = keras.Input((4,))\na = [x] * 64\nfor i in range(6):\n    a = [a] * 64\n"
                               "m = keras.Model(a, a)\nc = layers.Concatenate()(a)\n" + GOOD, True),
    "dag_in_helper": (K + "def f(x):\n    a = [x] * 64\n    for i in range(6):\n        a = [a] * 64\n    return a\n"
                      "x = keras.Input((4,))\ny = f(x)\n" + GOOD, True),
    # -- huge numbers ------------------------------------------------------------------------
    "huge_numbers": (K + "x = keras.Input((8, 8, 3))\na = layers.Conv2D(10**100, 3)(x)\nb = layers.Dense(2**64)(x)\n"
                     "c = 10**10**10\nd = 1 << 10**9\ne = 'a' * 10**10\nf = [0] * 10**10\ng = 10 ** -(10**9)\n"
                     "h = (2**65000) << 65000\ni = 2 ** 0.5 ** 10**9\nm = keras.Model(x, [a, b])\n" + GOOD, False),
    "huge_int_str": ("x = 10**5000\ns = f'{x}'\nt = str(x)\nu = '%d' % x\nv = '{}'.format(x)\nw = int('9' * 5000)\n"
                     "y = len(str(10**4000))\n" + K + GOOD, True),
    "huge_format_width": ("s = '{:>1000000000}'.format(1)\nt = '%*d' % (1000000000, 1)\nu = '%0999999999d' % 1\n"
                          "v = '%-1000000000s' % 'a'\nw = f'{1:>1000000000}'\nz = '{:{}}'.format(1, 10**9)\n" + K + GOOD, True),
    "huge_repeat": ("a = 'ab' * 50000\nb = [a] * 100000\nc = a + a\nd = b + b\ne = (a,) * 100000\nf = a * 2\n"
                    "g = [[1] * 100000] * 100000\nh = str(g)\n" + K + GOOD, True),
    "huge_math": ("import math\nx = math.prod([2**30000] * 100000)\ny = math.factorial(10**6)\nz = math.isqrt(10**60000)\n"
                  "w = math.exp(10**6)\nv = math.ceil(1e308 * 10)\nu = sum([2**60000] * 100000)\nt = max(range(10**18))\n"
                  "s = math.gcd(2**60000, 3**30000)\nr = divmod(10**60000, 7)\n" + K + GOOD, True),
    "huge_pow_loop": ("x = 2\nfor i in range(10000):\n    x = x * x\ny = 3\nfor i in range(10000):\n    y = y ** 2 + 1\n" + K + GOOD, True),
    "huge_range": ("for i in range(10**100):\n    pass\nx = [i for i in range(10**100)]\ny = len(range(10**100))\n"
                   "z = list(range(10**100))\nw = range(10**100)[10**99]\nv = sorted(range(10**100))\n"
                   "u = dict(zip(range(10**100), range(10**100)))\n" + K + GOOD, True),
    "huge_dims": (K + "x = keras.Input((10**100,))\ny = x[:, 1:]\nz = x[:, ::3]\nd = layers.Dense(1)(x)\n"
                  "m = keras.Model(x, d)\nx2 = keras.Input((10**5000,))\nm2 = keras.Model(x2, layers.Dense(1)(x2))\n"
                  "x3 = keras.Input((2**63, 2**63))\nm3 = keras.Model(x3, layers.Flatten()(x3))\n"
                  "x4 = keras.Input((10**400,))\nm4 = keras.Model(x4, layers.Dense(10**400)(x4))\n" + GOOD, False),
    "huge_conv_reshape": (K + "x = keras.Input((2**40, 2**40, 3))\ny = layers.Conv2D(8, 2**39)(x)\n"
                          "z = layers.Reshape((2**80, -1))(x)\nm = keras.Model(x, [y, z])\n" + GOOD, False),
    "float_sizes": (K + "x = keras.Input((4,))\ny = layers.Dense(float('inf'))(x)\nz = layers.Dense(float('nan'))(x)\n"
                    "w = layers.Dense(1e308)(x)\nv = layers.Dense(3.0)(x)\n", False),
    "convlstm_bad_filters": (K + "s = keras.Sequential([keras.Input((10, 40, 40, 1)), layers.ConvLSTM2D('a', 3, "
                             "padding='same', return_sequences=True), layers.BatchNormalization()])\n"
                             "x = keras.Input((6, 6, 8))\nm = keras.Model(x, layers.BatchNormalization()("
                             "layers.ConvLSTM1D((), 3)(x)))\n" + GOOD, False),
    "model_of_unknowns_in_sequential": (K + "encoder = keras.Model(a, b)\nclassifier = keras.Sequential([encoder])\n"
                                        "c2 = keras.Sequential([keras.Model(a, [b, c]), keras.Model(inputs=d, outputs={'k': e})])\n"
                                        + GOOD, True),
    "layer_tuple_as_input": (K + "x = layers.Conv1D(32, 3, padding='causal'),\navg = layers.GlobalAveragePooling1D()(x)\n"
                             "y = layers.Dense(2)([layers.Dense(3)])\n" + GOOD, False),
    # -- negative and zero sizes -------------------------------------------------------------
    "negative_zero_sizes": (K + "a = layers.Dense(-1)\nb = layers.Conv2D(0, 3)\nc = layers.Dropout(-1)\n"
                            "d = layers.Reshape((-1, -1))\ne = layers.Conv2D(4, -3)\nf = layers.MaxPooling2D(0)\n"
                            "g = layers.Embedding(-5, 0)\n", False),
    "negative_input": (K + "x = keras.Input((0, -5))\ny = layers.Dense(3)(x)\nm = keras.Model(x, y)\n" + GOOD, False),
    "zero_input": (K + "x = keras.Input((0, 5))\ny = layers.Dense(3)(x)\nm = keras.Model(x, y)\n"
                   "z = layers.Flatten()(y)\nm2 = keras.Model(x, z)\n", True),
    # -- recursion between helpers -------------------------------------------------------------
    "mutual_recursion": ("def f(x):\n    return g(x)\ndef g(x):\n    return f(x)\ny = f(1)\n" + K + GOOD, True),
    "self_recursion_layers": (K + "def block(x, n):\n    return block(layers.Dense(4)(x), n - 1) if n else x\n"
                              "x = keras.Input((4,))\ny = block(x, 10**6)\nmodel = keras.Model(x, y)\n" + GOOD, True),
    "recursion_fanout": ("def f(n):\n    return f(n + 1) + f(n + 2) + f(n + 3)\ny = f(0)\n" + K + GOOD, True),
    "recursion_via_class": (K + "class A:\n    def __init__(self):\n        self.a = A()\n"
                            "class B(keras.Model):\n    def call(self, x):\n        return self(x)\n"
                            "a = A()\nb = B()\ny = b(keras.Input((4,)))\n" + GOOD, True),
    "recursion_lambda": ("f = lambda x: f(x)\ny = f(1)\ng = lambda x: g(g(x))\nz = g(1)\n" + K + GOOD, True),
    "recursion_in_uncalled": ("def f(x=None):\n    return f(f(x))\n" + K + GOOD, True),
    "recursion_layer_call": (K + "class L(layers.Layer):\n    def call(self, x):\n        return self(x) + L()(x)\n"
                             "x = keras.Input((4,))\ny = L()(x)\nm = keras.Model(x, y)\n" + GOOD, True),
    "recursion_decorator": ("def d(f):\n    return d(f)\n@d\ndef g():\n    pass\n" + K + GOOD, True),
    # -- loops ------------------------------------------------------------------------------------
    "for_1e9_dense": (K + "x = keras.Input((4,))\nfor i in range(10**9):\n    x = layers.Dense(4)(x)\n"
                      "model = keras.Model(keras.Input((4,)), x)\n" + GOOD, True),
    "while_true_pass": ("while True:\n    pass\n" + K + GOOD, True),
    "while_true_dense": (K + "x = keras.Input((4,))\nwhile True:\n    x = layers.Dense(4)(x)\n" + GOOD, True),
    "while_1_continue": ("i = 0\nwhile 1:\n    i += 1\n    continue\n" + K + GOOD, True),
    "nested_loops_1e4": ("n = 0\nfor i in range(10000):\n    for j in range(10000):\n        n += 1\n" + K + GOOD, True),
    "loop_in_helper_many_calls": (K + "def f(x):\n    for i in range(10000):\n        x = x + 1\n    return x\n"
                                  "ys = [f(i) for i in range(10000)]\n" + GOOD, True),
    "comprehension_nested_huge": ("x = [[i * j for i in range(10000)] for j in range(10000)]\n" + K + GOOD, True),
    "sequential_add_loop": (K + "m = keras.Sequential([keras.Input((4,))])\nwhile True:\n    m.add(layers.Dense(4))\n" + GOOD, True),
    "list_append_loop": (K + "a = []\nfor i in range(10**6):\n    a.append(layers.Dense(4))\ns = keras.Sequential(a)\n" + GOOD, True),
    "many_heavy_statements": ("n = 0\n" + "for i in range(9000):\n    for j in range(40):\n        n = n + j\nprint(n)\n" * 12
                              + K + GOOD, True),   # each spends its own budget; the global cap ends the file
    "string_doubling": ("s = 'a'\nfor i in range(100):\n    s = s + s\nd = {}\nfor i in range(100):\n    d = {**d, **d, i: s}\n" + K + GOOD, True),
    # -- cyclic data --------------------------------------------------------------------------------
    "cyclic_list_sequential": (K + "a = []\na.append(a)\nm = keras.Sequential(a)\n" + GOOD, True),
    "cyclic_dict": ("d = {}\nd['d'] = d\ne = d == d\nf = str(d)\ng = list(d.values())\nh = {**d}\n" + K + GOOD, True),
    "cyclic_model": (K + "a = []\na.append(a)\nm = keras.Model(a, a)\nx = keras.Input((4,))\nb = [x]\nb.append(b)\n"
                     "m2 = keras.Model(x, b)\nc = layers.Concatenate()(b)\n" + GOOD, True),
    "cyclic_compare": ("a = []\na.append(a)\nb = a == a\nc = sorted([a, a])\nd = a in a\ne = max(a, a)\n" + K + GOOD, True),
    "cyclic_helper_return": (K + "def f(x):\n    a = [x]\n    a.append(a)\n    return a\nx = keras.Input((4,))\ny = f(x)\n"
                             "m = keras.Model(x, y)\n" + GOOD, True),
    "cyclic_instance": (K + "class N:\n    def __init__(self):\n        self.me = self\n        self.l = [self]\n"
                        "n = N()\nm = keras.Sequential(n.l)\n" + GOOD, True),
    "cyclic_subclass_input": (K + "class M(keras.Model):\n    def call(self, x):\n        return x[0]\n"
                              "a = [keras.Input((4,))]\na.append(a)\ny = M()(a)\n" + GOOD, True),
    # -- odd but legal Python -------------------------------------------------------------------------
    "starred_unknown": ("shape = get_shape()\nt = (*shape, 3)\nl = [*shape, 3]\ns = {*shape}\nd = {**shape}\n" + K + GOOD, True),
    "starred_unknown_in_layer": (K + "class L(layers.Layer):\n    def compute_output_shape(self, s):\n        return (*s[:-1], 4)\n"
                                 "    def call(self, x):\n        return layers.Reshape((*x.shape[1:-1], 2, 2))(x)\n"
                                 "x = keras.Input((3, 4))\ny = L()(x)\nm = keras.Model(x, y)\n" + GOOD, True),
    "weird_syntax": ("async def f():\n    async with a as b:\n        await c\n    async for i in d:\n        yield i\n"
                     "match x:\n    case [1, *rest] if rest:\n        pass\n    case {'a': b, **kw}:\n        pass\n"
                     "    case _:\n        pass\ntype T = int\nx: int\ndel x\nglobal g\nassert False, 'no'\n"
                     "try:\n    raise ValueError\nexcept* ValueError:\n    pass\n" + K + GOOD, True),
    "raise_everywhere": (K + "def f(x):\n    raise RuntimeError\nx = keras.Input((4,))\ny = f(x)\nraise SystemExit\n" + GOOD, True),
    "shadowed_builtins": (K + "len = 5\nrange = None\nlist = keras\nprint = layers.Dense\nkeras = 3\nlayers = []\n"
                          "x = print(4)\ny = len(x)\nfor i in range(3):\n    pass\n", True),
    "rebinding_keras": ("import keras\nkeras.layers = None\nkeras.Input = lambda *a: 1\nfrom keras import layers as keras\n"
                        "x = keras.Dense(4)\nimport os as keras\nm = keras.Model(1, 2)\n", True),
    "unicode_identifiers": (K + "ψ = keras.Input((4,))\nþ = layers.Dense(2, name='𝔡ense')(ψ)\nмодель = keras.Model(ψ, þ)\n"
                            "s = '\\udcff\\ud800'\nt = '\U0010ffff' * 3\n# 😀 ünïcödé\n", True),
    "null_and_controls": (K + "x = keras.Input((4,))\x00\x00\nmodel = keras.Model(x, layers.Dense(2)(x))\n\x0c\n"
                          "y = '\x1b[31m'\n\x0b\x1c\x1d\x1e\x85\u2028\u2029\n" + GOOD, True),
    "form_feed_then_typing": (K + "\x0c\nx = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2)(x))\ny = (\n", True),
    "syntax_errors_everywhere": ("".join(f"x{i} = (\n" if i % 2 else f"x{i} = {i}\n" for i in range(200)) + K + GOOD, True),
    "only_errors": (")\n" * 5000, True),
    "empty": ("", True),
    "whitespace_only": (" \t\n" * 1000 + "\n\n\r\n\r", True),
    "bom_in_middle": (K + "\ufeffx = 1\n" + GOOD, True),
}

# checks beyond the generic ones: the file's valid model after the hostile part is still found (or a note)
KEEPS_GOOD = {"parens_5000", "brackets_5000", "braces_5000", "calls_5000", "calls_150", "unary_100k",
              "not_50k", "lambda_5000", "ifexp_5000", "attr_100k", "subscript_100k", "callchain_100k",
              "compare_chain_50k", "boolop_50k", "nested_defs_95", "nested_ifs_1000", "huge_numbers",
              "huge_int_str", "huge_format_width", "huge_repeat", "huge_math", "huge_pow_loop", "huge_range",
              "huge_dims", "huge_conv_reshape", "mutual_recursion", "self_recursion_layers", "recursion_fanout",
              "recursion_via_class", "recursion_lambda", "recursion_in_uncalled", "recursion_layer_call",
              "recursion_decorator", "for_1e9_dense", "while_true_pass", "while_true_dense", "while_1_continue",
              "nested_loops_1e4", "loop_in_helper_many_calls", "comprehension_nested_huge", "sequential_add_loop",
              "list_append_loop", "string_doubling", "many_heavy_statements", "cyclic_list_sequential", "cyclic_dict", "cyclic_model",
              "cyclic_compare", "cyclic_helper_return", "cyclic_instance", "cyclic_subclass_input",
              "starred_unknown", "starred_unknown_in_layer", "weird_syntax",
              "null_and_controls", "negative_input", "dag_list_2pow60", "dag_list_into_layer",
              "dag_tensors_into_model", "dag_in_helper", "deep_list_value", "nested_comprehension",
              "bom_in_middle", "plus_900", "convlstm_bad_filters",
              "model_of_unknowns_in_sequential", "layer_tuple_as_input"}


MB = 2**20


def one_mb_cases() -> dict[str, str]:
    head = K + "x = keras.Input((4,))\n"
    dense = "x = layers.Dense(4)(x); "
    return {
        "line_1mb_string": K + "s = '" + "a" * MB + "'\n" + GOOD,
        "line_1mb_comment": K + "# " + "a" * MB + "\n" + GOOD,
        "line_1mb_dense_calls": head + dense * (MB // len(dense)) + "\nm = keras.Model(keras.Input((4,)), x)\n",
        "line_1mb_sum": K + "n = " + "+".join(["1"] * (MB // 2)) + "\n" + GOOD,
        "line_1mb_tuple_pairs": K + "t = (" + "(1, 2), " * (MB // 8) + ")\n" + GOOD,
        "line_1mb_dict": K + "d = {" + ", ".join(f"'k{i}': {i}" for i in range(MB // 14)) + "}\n" + GOOD,
        "line_1mb_open_string": K + GOOD + "s = '" + "a" * MB + "\n",
        "line_1mb_open_paren": K + GOOD + "s = (" + "1, " * (MB // 3) + "\n",
    }


def ten_mb(kind: str) -> str:
    size = 10 * MB
    if kind == "keras_blocks":
        block = ("x{i} = keras.Input((32,))\ny{i} = layers.Dense(16, activation='relu')(x{i})\n"
                 "m{i} = keras.Model(x{i}, layers.Dense(1)(y{i}))\n")
        parts, total, i = [K], 0, 0
        while total < size:
            part = block.format(i=i)
            parts.append(part)
            total += len(part)
            i += 1
        return "".join(parts)
    if kind == "list_literal":
        return "x = [" + "1," * (size // 2) + "]\n"
    if kind == "statements":
        return "x = 1\n" * (size // 6)
    if kind == "comments":
        return ("# " + "c" * 78 + "\n") * (size // 81)
    if kind == "string":
        return "x = '" + "a" * size + "'\n"
    raise ValueError(kind)
