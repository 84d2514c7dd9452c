"""ShapeLens: Keras output shapes, parameter counts and shape errors, worked out statically.

Parts: ``engine`` (pure layer rules), ``analyser`` (source → models), ``report`` and ``cli``
(command line), ``server`` (the language server), ``ipython_magic`` (``%load_ext shapelens``).
"""

__version__ = "0.1.0"


def load_ipython_extension(ipython) -> None:
    """``%load_ext shapelens`` in IPython or Jupyter: adds the ``%shapelens`` line magic."""
    from .ipython_magic import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython) -> None:
    from .ipython_magic import unload_ipython_extension as unload

    unload(ipython)
