"""``import`` statements in the abstract interpreter: Keras spellings become ``KerasRef`` paths,
Keras 2 paths that Keras 3 rejects are ``import-error`` diagnostics (``keras_imports.py``; under a
``try`` that catches them, the handler runs), and modules of the user's workspace are read and
interpreted (never imported), once each."""

from __future__ import annotations

from ..engine.shape import UNKNOWN
from . import keras_imports
from .control import ImportFailed, Scope
from .interpreter_base import InterpreterBase
from .keras_api import canonical, classify
from .values import reference

MAX_IMPORTED_CHARS = 4_000_000   # imported source read per analysis, all modules together


class ImportsMixin(InterpreterBase):
    def stmt_Import(self, stmt, scope):
        for alias in stmt.names:
            failure = keras_imports.module_failure(alias.name)
            if failure is not None:
                self.import_failed(stmt, failure, keras_imports.hint(alias.name, []))
                return
            if alias.asname:
                scope.assign(alias.asname, self.import_module(canonical(alias.name), stmt, alias.name))
            else:
                top = alias.name.split(".")[0]
                scope.assign(top, self.import_module(canonical(top), stmt, top))

    def stmt_ImportFrom(self, stmt, scope):
        if stmt.level and not self.module_loader:
            for alias in stmt.names:
                scope.assign(alias.asname or alias.name, UNKNOWN)
            return
        module = ("." * stmt.level) + (stmt.module or "")
        if not stmt.level and self.keras_from_failed(stmt, scope):
            return
        path = canonical(stmt.module or "")
        loaded = None
        if classify(path)[0] == "external" and self.module_loader is not None:
            loaded = self.load_module(module, stmt)
        for alias in stmt.names:
            if alias.name == "*":
                if isinstance(loaded, Scope):
                    for key, value in loaded.vars.items():
                        if not key.startswith("_"):
                            scope.assign(key, value)
                continue
            if isinstance(loaded, Scope):
                value = loaded.vars.get(alias.name, UNKNOWN)
            else:
                value = reference(f"{stmt.module}.{alias.name}" if stmt.module else alias.name)
            scope.assign(alias.asname or alias.name, value)

    def keras_from_failed(self, stmt, scope) -> bool:
        """``from keras.… import …`` that Keras 3 certainly rejects: the error (or the ``except``
        that catches it); only the names before the missing one are bound."""
        module = stmt.module or ""
        names = [alias.name for alias in stmt.names]
        failure = keras_imports.module_failure(module)
        hint = keras_imports.hint(module, names) if failure is not None else ""
        first = 0
        if failure is None:
            for first, name in enumerate(names):
                failure = keras_imports.name_failure(module, name)
                if failure is not None:
                    hint = keras_imports.hint(module, [name])
                    break
        if failure is None:
            return False
        for alias in stmt.names[:first]:        # Python binds the names before the missing one
            scope.assign(alias.asname or alias.name, reference(f"{module}.{alias.name}"))
        self.import_failed(stmt, failure, hint)
        return True

    def import_failed(self, stmt, failure: tuple[str, str], hint: str) -> None:
        """Keras 3 raises at this import: inside a ``try`` that may catch it, its handler runs
        (``statements.py``); otherwise the error is reported and, as after other errors, the
        analysis goes on, the names the statement would have bound left unbound (``?``), as in
        Python."""
        kind, message = failure
        exception = ModuleNotFoundError if kind == "ModuleNotFoundError" else ImportError
        if self.import_guarded(exception):
            raise ImportFailed(exception)
        self.rec.error(stmt, "import-error", keras_imports.failure_message(kind, message, hint))

    def import_module(self, path: str, stmt, raw: str):
        if classify(path)[0] == "external" and self.module_loader is not None:
            loaded = self.load_module(raw, stmt)
            if isinstance(loaded, Scope):
                return loaded
        return reference(raw)

    def load_module(self, name: str, stmt):
        """Interpret a module of the user's workspace (never imported: read and analysed)."""
        if self.import_depth >= 4:
            return None
        if name in self.rec.modules:            # Python runs a module once per process
            return self.rec.modules[name]
        key = self.module_key(name)             # aliases of one file (symlinks) are one module
        if key in self.rec.modules:
            self.rec.modules[name] = self.rec.modules[key]
            return self.rec.modules[key]
        self.rec.modules[name] = self.rec.modules[key] = None   # an import cycle sees the module as unknown
        try:
            source = self.module_loader(name) if self.module_loader is not None else None
        except Exception:  # noqa: BLE001 - a loader failing is a missing module, nothing more
            source = None
        if source is None:
            return None
        from .parsing import parse_with_recovery, sanitize, too_large
        self.rec.imported_chars += len(source)
        if self.rec.imported_chars > MAX_IMPORTED_CHARS:
            self.rec.limit(stmt, f"analysis stopped: the imported modules exceed {MAX_IMPORTED_CHARS:,} "
                                 f"characters in total; {name} is not read")
            return None
        source = sanitize(source)
        if too_large(source):
            return None
        tree = parse_with_recovery(source)[0]
        if tree is None:
            return None
        sub = type(self)(self.rec, self.module_loader, depth_of_import=self.import_depth + 1)
        sub.steps, sub.step_limit = self.steps, self.step_limit
        sub.max_steps, sub.stmt_steps = self.max_steps, self.stmt_steps
        sub.module_name = name.lstrip(".") or UNKNOWN   # never "__main__": it is imported
        sub.image_data_format = self.image_data_format
        sub.foreign = 1
        saved = self.rec.foreign
        self.rec.foreign += 1
        try:
            scope = sub.run_module(tree)
        finally:
            self.rec.foreign = saved
            self.steps = sub.steps
        self.rec.modules[name] = self.rec.modules[key] = scope
        return scope

    def module_key(self, name: str):
        """The resolved real path of the file ``name`` reads (the name if the loader can't tell)."""
        locate = getattr(self.module_loader, "locate", None)
        try:
            path = locate(name) if locate is not None else None
        except Exception:  # noqa: BLE001 - a loader failing is a missing module, nothing more
            path = None
        return ("file", path) if path is not None else ("name", name)
