"""ShapeLens: Keras output shapes, parameter counts and shape errors, worked out statically.

Parts: ``engine`` (pure layer rules), ``analyser`` (source → models), ``report`` and ``cli``
(command line), ``server`` (the language server).
"""

__version__ = "0.1.0"
