import os

open(os.path.join("__MARKER_DIR__", "pkg_init"), "w").close()
