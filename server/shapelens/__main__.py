"""``python -m shapelens``: the command line (``python -m shapelens serve`` runs the server).

``python -m`` puts the current directory first on ``sys.path``; a workspace with its own
``json.py`` or ``argparse.py`` would then be imported (run!) by our own imports.  Drop it first.
That cannot help with what Python imports before this file runs (``shapelens.py``,
``importlib.py``, ``runpy.py`` in the folder): editors therefore start the server with the
``shapelens`` console script (Neovim) or ``python -c`` that drops the folder first (VS Code,
``editors/vscode/src/config.ts``), never ``python -m`` in the workspace.
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from shapelens.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:] if len(sys.argv) > 1 else ["serve"]))
