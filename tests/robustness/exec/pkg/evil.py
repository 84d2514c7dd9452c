import os

from keras import layers

open(os.path.join("__MARKER_DIR__", "pkg_evil"), "w").close()
exec("open(%r, 'w').close()" % os.path.join("__MARKER_DIR__", "pkg_evil_exec"))


def block(x):
    open(os.path.join("__MARKER_DIR__", "pkg_evil_block"), "w").close()
    return layers.Dense(8)(x)
