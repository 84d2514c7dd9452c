// The parts of the extension that need no VS Code API: which interpreter runs the server, the
// command line it gets, the settings sent to it and the message shown when `shapelens` is missing.
// Kept free of `import 'vscode'` so that the unit tests run under plain Node.

import { execFile } from 'node:child_process';

/** The server's settings: section "shapelens" (the `shapelens.*` keys of package.json). */
export interface ServerSettings {
  inlayHints: {
    enabled: boolean;
    showParams: boolean;
    showZeroParamLayers: boolean;
  };
  diagnostics: {
    enabled: boolean;
  };
  batchDimensionLabel: string;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  inlayHints: { enabled: true, showParams: true, showZeroParamLayers: false },
  diagnostics: { enabled: true },
  batchDimensionLabel: 'None',
};

/** Reads one dotted key below "shapelens" (as `WorkspaceConfiguration.get` does). */
export type SettingGetter = (key: string) => unknown;

function bool(get: SettingGetter, key: string, fallback: boolean): boolean {
  const value = get(key);
  return typeof value === 'boolean' ? value : fallback;
}

function str(get: SettingGetter, key: string, fallback: string): string {
  const value = get(key);
  return typeof value === 'string' ? value : fallback;
}

/** The server's settings from the editor's configuration, with defaults for missing or mistyped values. */
export function serverSettings(get: SettingGetter): ServerSettings {
  const d = DEFAULT_SETTINGS;
  return {
    inlayHints: {
      enabled: bool(get, 'inlayHints.enabled', d.inlayHints.enabled),
      showParams: bool(get, 'inlayHints.showParams', d.inlayHints.showParams),
      showZeroParamLayers: bool(get, 'inlayHints.showZeroParamLayers', d.inlayHints.showZeroParamLayers),
    },
    diagnostics: { enabled: bool(get, 'diagnostics.enabled', d.diagnostics.enabled) },
    batchDimensionLabel: str(get, 'batchDimensionLabel', d.batchDimensionLabel),
  };
}

/** `initializationOptions` of the `initialize` request: the settings under their section name. */
export function initializationOptions(settings: ServerSettings): { shapelens: ServerSettings } {
  return { shapelens: settings };
}

export type InterpreterSource = 'python-extension' | 'setting' | 'default';

export interface Interpreter {
  /** The executable, e.g. `/home/me/proj/.venv/bin/python`. */
  command: string;
  /** Arguments that belong to the interpreter itself (e.g. `conda run -n env python` → `[...]`). */
  args: string[];
  source: InterpreterSource;
}

export const DEFAULT_INTERPRETER = 'python3';

/**
 * The interpreter that runs the server: the one the Python extension has selected when it is
 * installed and has one, else the `shapelens.interpreter` setting, else `python3`.
 *
 * `pythonExtension` is the Python extension's execution command for the file (its
 * `execCommand`, e.g. `['/venv/bin/python']` or `['conda', 'run', '-n', 'x', 'python']`),
 * `undefined` when the extension is not installed or has no interpreter selected.
 */
export function chooseInterpreter(pythonExtension: readonly string[] | undefined, setting: unknown): Interpreter {
  const fromExtension = (pythonExtension ?? []).filter((part) => typeof part === 'string' && part !== '');
  if (fromExtension.length > 0) {
    return { command: fromExtension[0], args: fromExtension.slice(1), source: 'python-extension' };
  }
  if (typeof setting === 'string' && setting.trim() !== '') {
    return { command: expandHome(setting.trim()), args: [], source: 'setting' };
  }
  return { command: DEFAULT_INTERPRETER, args: [], source: 'default' };
}

function expandHome(path: string): string {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home && (path === '~' || path.startsWith('~/'))) {
    return home + path.slice(1);
  }
  return path;
}

/**
 * Python run before anything is imported: drops the working directory (the workspace folder)
 * from `sys.path`. `python -m shapelens` would put it first before our code runs, so a workspace
 * `shapelens.py` or `importlib.py` would be imported — run — instead of ours; PYTHONSAFEPATH only
 * helps from Python 3.11. `tests/robustness/test_robustness_execution.py` reads this line.
 */
export const SAFE_PATH = 'import sys; sys.path[:] = [p for p in sys.path if p not in ("", ".")]';

/** Command line of the language server: `<interpreter> -c "<SAFE_PATH>; ..." serve` (stdio). */
export function serverCommand(interpreter: Interpreter): { command: string; args: string[] } {
  const code = `${SAFE_PATH}; from shapelens.cli import main; sys.exit(main())`;
  return { command: interpreter.command, args: [...interpreter.args, '-c', code, 'serve'] };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What to run to install the server into the interpreter. */
export function installCommand(interpreter: Interpreter): string {
  return [interpreter.command, ...interpreter.args, '-m', 'pip', 'install', 'shapelens'].map(shellQuote).join(' ');
}

function describeSource(interpreter: Interpreter): string {
  switch (interpreter.source) {
    case 'python-extension':
      return 'the interpreter selected in the Python extension';
    case 'setting':
      return 'the shapelens.interpreter setting';
    default:
      return 'the default interpreter (no Python extension, no shapelens.interpreter setting)';
  }
}

/** The message shown when `import shapelens` fails in the interpreter. */
export function missingServerMessage(interpreter: Interpreter, detail?: string): string {
  const who = [interpreter.command, ...interpreter.args].join(' ');
  const why = detail ? ` (${detail})` : '';
  return (
    `ShapeLens: the Python package "shapelens" is not importable by ${who}, ${describeSource(interpreter)}${why}. ` +
    `Install it with: ${installCommand(interpreter)}`
  );
}

/**
 * The environment for every Python process we start: PYTHONSAFEPATH keeps the workspace folder
 * (the process's working directory) off `sys.path`, so a project's own `json.py` or `ast.py` is
 * never imported — let alone run — by ShapeLens's imports. Older Pythons ignore it.
 */
export function safeEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONSAFEPATH: '1' };
}

export type ImportCheck = { ok: true; version: string } | { ok: false; reason: string };

/** Checks that `shapelens` imports in the interpreter (runs `<interpreter> -c "import shapelens"`). */
export function checkImportable(interpreter: Interpreter, timeoutMs = 20000): Promise<ImportCheck> {
  const code = `${SAFE_PATH}; import shapelens; sys.stdout.write(getattr(shapelens, "__version__", "?"))`;
  return new Promise((resolve) => {
    execFile(
      interpreter.command,
      [...interpreter.args, '-c', code],
      { timeout: timeoutMs, windowsHide: true, env: safeEnvironment() },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ ok: true, version: String(stdout).trim() });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          resolve({ ok: false, reason: 'interpreter not found' });
          return;
        }
        const lines = String(stderr).trim().split('\n');
        resolve({ ok: false, reason: lines[lines.length - 1] || error.message });
      },
    );
  });
}
