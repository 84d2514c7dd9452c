"""``python -m shapelens``: the command line (``python -m shapelens serve`` runs the server)."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:] if len(sys.argv) > 1 else ["serve"]))
