import os

open(os.path.join("__MARKER_DIR__", "runpy_target"), "w").close()
