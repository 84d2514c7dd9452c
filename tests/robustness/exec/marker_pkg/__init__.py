import os

open(os.path.join("__MARKER_DIR__", "marker_pkg_init"), "w").close()
