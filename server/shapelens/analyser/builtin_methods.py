"""Methods of built-in values in the abstract interpreter: ``list.append``/``extend``/``pop``…,
``dict.get``/``items``/``update``…, a few ``str`` methods, and built-in functions (``len``,
``range``, ``min``…, see ``pybuiltins.py``) on known values."""

from __future__ import annotations

from typing import cast

from ..engine.shape import UNKNOWN
from .arrays import array_method
from .interpreter_base import InterpreterBase
from .pybuiltins import BUILTINS, MAX_SEQUENCE, WIDE_FORMAT, plain
from .typechecks import TYPE_CHECKS, type_check
from .values import BuiltinMethod, Instance, Operation, SymTensor, hashable


class BuiltinMethodsMixin(InterpreterBase):
    def call_builtin(self, method: BuiltinMethod, positional, keywords, node):
        receiver, name = method.receiver, method.name
        if name == "super-init":     # made for an ``Instance`` only (``functions.super_attribute``)
            self.super_init(cast(Instance, receiver), positional, keywords, node)
            return None
        if name.startswith("super-"):
            return self.super_layer_method(receiver, name[len("super-"):], positional, keywords, node)
        if receiver is None and name in TYPE_CHECKS:
            return type_check(name, positional, keywords)
        if receiver is None:
            fn = BUILTINS.get(name)
            if fn is None:
                return UNKNOWN
            try:
                return fn(*positional, **keywords)
            except (TypeError, ValueError, OverflowError, MemoryError):
                return UNKNOWN
        if isinstance(receiver, list):
            return self.list_method(receiver, name, positional)
        if isinstance(receiver, dict):
            return self.dict_method(receiver, name, positional)
        if isinstance(receiver, str):
            return self.str_method(receiver, name, positional)
        if isinstance(receiver, SymTensor) and receiver.constant:
            return array_method(receiver, name, positional, keywords)
        if isinstance(receiver, Instance) and receiver.keras_object is not None:
            return self.model_method(receiver.keras_object, name, positional, keywords, node, receiver)
        if isinstance(receiver, Operation):
            return self.model_method(receiver, name, positional, keywords, node, receiver)
        return UNKNOWN

    def list_method(self, lst, name, args):
        if name == "append" and len(args) == 1:
            if len(lst) < MAX_SEQUENCE:
                lst.append(args[0])
            return None
        if name == "extend" and len(args) == 1:
            items = self.iterate(args[0])
            if items is not None and len(lst) + len(items) <= MAX_SEQUENCE:
                lst.extend(items)
            return None
        if name == "insert" and len(args) == 2 and isinstance(args[0], int):
            lst.insert(args[0], args[1])
            return None
        if name == "pop" and lst:
            if not args:
                return lst.pop()
            if isinstance(args[0], int) and -len(lst) <= args[0] < len(lst):
                return lst.pop(args[0])
        if name == "index" and args and plain(args[0]):
            return lst.index(args[0]) if args[0] in lst else UNKNOWN
        if name == "copy":
            return list(lst)
        if name == "reverse":
            lst.reverse()
            return None
        return UNKNOWN

    def dict_method(self, d, name, args):
        if name == "get" and args and hashable(args[0]):
            return d.get(args[0], args[1] if len(args) > 1 else None)
        if name == "keys":
            return list(d.keys())
        if name == "values":
            return list(d.values())
        if name == "items":
            return list(d.items())
        if name == "update" and args and isinstance(args[0], dict):
            d.update(args[0])
            return None
        if name == "pop" and args and hashable(args[0]):
            return d.pop(args[0], args[1] if len(args) > 1 else UNKNOWN)
        if name == "setdefault" and args and hashable(args[0]):
            return d.setdefault(args[0], args[1] if len(args) > 1 else None)
        if name == "copy":
            return dict(d)
        return UNKNOWN

    def str_method(self, s, name, args):
        if name in ("upper", "lower", "strip", "title", "capitalize") and not args:
            return getattr(s, name)()
        if name == "format" and all(isinstance(a, (int, float, str)) for a in args) and len(s) < 1000 \
                and not WIDE_FORMAT.search(s) and not any(isinstance(a, int) and abs(a) >= 10_000 for a in args):
            try:
                return s.format(*args)
            except (IndexError, KeyError, ValueError):
                return UNKNOWN
        if name in ("startswith", "endswith") and args and isinstance(args[0], str):
            return getattr(s, name)(args[0])
        return UNKNOWN
