"""Starts the ShapeLens server bundled with the VS Code extension: ``python -I launch.py serve``.

``-I`` (isolated mode) keeps the workspace (the working directory), PYTHON* variables and the
user's site-packages off ``sys.path``, so no module of the user's project can shadow one of
ShapeLens's; the bundled ``../libs`` (ShapeLens and its pure-Python dependencies, filled when the
.vsix is packaged) goes first, ahead of whatever the interpreter has installed.
"""

import os
import sys

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")

if __name__ == "__main__":
    if sys.version_info < (3, 10):
        sys.stderr.write("ShapeLens needs Python 3.10 or newer, not %d.%d\n" % sys.version_info[:2])
        sys.exit(2)
    sys.path.insert(0, LIBS)
    from shapelens.cli import main

    sys.exit(main(sys.argv[1:]))
