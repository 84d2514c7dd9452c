"""Imported by the fixtures: writes a marker when imported (never allowed to happen)."""
import os

from keras import layers

MARKER_DIR = "__MARKER_DIR__"
open(os.path.join(MARKER_DIR, "marker_module_import"), "w").close()
os.system("touch " + os.path.join(MARKER_DIR, "marker_module_system"))


def block(x):
    open(os.path.join(MARKER_DIR, "marker_module_block"), "w").close()
    return layers.Dense(8)(x)
