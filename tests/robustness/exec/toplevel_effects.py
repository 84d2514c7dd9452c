"""Top-level code with side effects, next to a valid Keras model."""
import builtins
import importlib
import os
import pathlib
import runpy
import socket
import subprocess
import sys

import keras
from keras import layers

MARKER_DIR = "__MARKER_DIR__"
PORT = __PORT__


def mark(name):
    return os.path.join(MARKER_DIR, name)


open(mark("open_w"), "w").write("ran")
pathlib.Path(mark("pathlib")).write_text("ran")
os.system("touch " + mark("os_system"))
subprocess.run(["touch", mark("subprocess")], check=False)
exec("open(%r, 'w').close()" % mark("exec"))
eval("open(%r, 'w').close()" % mark("eval"))
eval(compile("open(%r, 'w').close()" % mark("compile"), "<x>", "exec"))
__import__("os").system("touch " + mark("dunder_import"))
builtins.exec("open(%r, 'w').close()" % mark("builtins_exec"))
getattr(builtins, "exec")("open(%r, 'w').close()" % mark("getattr_exec"))
importlib.import_module("marker_module")
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "runpy_target.py"))
try:
    s = socket.socket()
    s.settimeout(2)
    s.connect(("127.0.0.1", PORT))
    s.close()
except OSError:
    pass
with open(mark("with_open"), "w") as handle:
    handle.write("ran")
sys.stdout.write("")

units = len(open(mark("units_from_file"), "w").name) % 7 + 4   # runs open() too
inputs = keras.Input((16,))
hidden = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(units if isinstance(units, int) else 4)(hidden)
model = keras.Model(inputs, outputs)
