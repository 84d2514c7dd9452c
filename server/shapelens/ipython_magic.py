"""The IPython extension, for notebooks without a language server (Colab, Kaggle, a plain
Jupyter kernel): ``%load_ext shapelens``, then ``%shapelens`` prints the static summary of the
code cells executed so far, read from the kernel's input history.

The cells are analysed as the notebook analysis does (``analyse_notebook``: IPython syntax
blanked, a broken cell costs that cell only), keyed by their execution count, so positions read
``In [3], line 2``.  Nothing is run, built or imported: not keras, not the user's modules (they
are read from the kernel's working directory, as the CLI reads them), and the extension imports
nothing of IPython either — it only calls the shell it is given.

``%shapelens`` prints every model and every problem; ``%shapelens model head`` only the models
bound to those names (problems are always printed).
"""

from __future__ import annotations

import os

from .analyser import analyse_notebook, module_loader
from .report import summary_table

MAGIC = "shapelens"


def load_ipython_extension(ipython) -> None:
    """``%load_ext shapelens``: registers the ``%shapelens`` line magic on this shell."""
    def magic(line: str = "") -> None:
        print(summary_text(executed_cells(ipython), line.split()))

    magic.__doc__ = __doc__
    ipython.register_magic_function(magic, magic_kind="line", magic_name=MAGIC)


def unload_ipython_extension(ipython) -> None:
    ipython.magics_manager.magics["line"].pop(MAGIC, None)


def executed_cells(ipython) -> list[tuple[int, str]]:
    """``[(execution count, raw cell text), …]`` in order: the history manager's raw inputs (the
    user's own text, magics included), else the ``In`` list (IPython's translated inputs)."""
    history = getattr(getattr(ipython, "history_manager", None), "input_hist_raw", None)
    if not history:
        history = ipython.user_ns.get("In") or []
    return [(count, text) for count, text in enumerate(history) if count and isinstance(text, str) and text.strip()]


def where(locate, line: int | None) -> str:
    place = locate(line) if line is not None else None
    return f"In [{place[0]}], line {place[1]}" if place else "?"


def summary_text(cells: list[tuple[int, str]], names: list[str] | None = None) -> str:
    """What ``%shapelens`` prints for these cells."""
    if not cells:
        return "shapelens: no code cell has been executed yet"
    path = os.path.join(os.getcwd(), "<ipython>.ipynb")        # the user's modules: next to the kernel
    analysis, source = analyse_notebook(cells, path, module_loader(path))
    models = [m for m in analysis.models if not names or m.variable in names]
    out = []
    for model in models:
        out.append(f"{model.variable} = {model.class_name}  ({where(source.locate, model.span.line if model.span else None)})")
        out.append(summary_table(model))
        out.append("")
    if not models:
        wanted = f" named {', '.join(names)}" if names else ""
        out.append(f"shapelens: no Keras model{wanted} found in the {len(cells)} cells executed so far")
    for d in sorted(analysis.diagnostics, key=lambda d: (d.span.line, d.span.column)):
        kind = "error" if d.severity == "error" else "note"
        out.append(f"{where(source.locate, d.span.line)}, column {d.span.column + 1}: {kind}[{d.code}]: {d.message}")
    return "\n".join(out).rstrip("\n")
