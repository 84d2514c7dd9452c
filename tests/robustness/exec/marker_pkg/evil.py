import os

from keras import layers

open(os.path.join("__MARKER_DIR__", "marker_pkg_evil"), "w").close()
__import__("os").system("touch " + os.path.join("__MARKER_DIR__", "marker_pkg_evil_system"))


def evil_block(x):
    open(os.path.join("__MARKER_DIR__", "marker_pkg_evil_block"), "w").close()
    return layers.Dense(8)(x)
