// The parts of the extension that need no VS Code API: which interpreter runs the server, the
// command line it gets (the bundled server or the interpreter's own, `shapelens.importStrategy`),
// the settings sent to it and the messages shown when it cannot run.
// Kept free of `import 'vscode'` so that the unit tests run under plain Node.

import { execFile } from 'node:child_process';
import { join } from 'node:path';

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
 * `useBundled` (the default): the ShapeLens server inside the extension (bundled/libs, put there
 * when the .vsix is packaged) runs on the interpreter; `fromEnvironment`: the `shapelens`
 * installed in the interpreter runs. Same name and meaning as in the ruff and pylint extensions.
 */
export type ImportStrategy = 'useBundled' | 'fromEnvironment';

export function importStrategy(setting: unknown): ImportStrategy {
  return setting === 'fromEnvironment' ? 'fromEnvironment' : 'useBundled';
}

/** The oldest Python the server runs on (pyproject.toml's requires-python). */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** The bundled server's launcher inside the installed extension. */
export function bundledLauncher(extensionPath: string): string {
  return join(extensionPath, 'bundled', 'tool', 'launch.py');
}

/** Where the server's code comes from: the launcher for `useBundled`, nothing for `fromEnvironment`. */
export interface ServerSource {
  strategy: ImportStrategy;
  launcher?: string;
}

export function serverSource(strategy: ImportStrategy, extensionPath: string): ServerSource {
  return strategy === 'useBundled' ? { strategy, launcher: bundledLauncher(extensionPath) } : { strategy };
}

/**
 * Python run before anything is imported: drops the working directory (the workspace folder)
 * from `sys.path`. `python -m shapelens` would put it first before our code runs, so a workspace
 * `shapelens.py` or `importlib.py` would be imported — run — instead of ours; PYTHONSAFEPATH only
 * helps from Python 3.11. `tests/robustness/test_robustness_execution.py` reads this line.
 */
export const SAFE_PATH = 'import sys; sys.path[:] = [p for p in sys.path if p not in ("", ".")]';

/**
 * Command line of the language server (stdio).
 *
 * `useBundled`: `<interpreter> -I <launcher> serve`. Isolated mode keeps the workspace folder (the
 * working directory), PYTHON* variables and the user site-packages off `sys.path`; the launcher
 * puts bundled/libs first, so neither the workspace nor the interpreter's own packages can shadow
 * the server's modules.
 *
 * `fromEnvironment`: `<interpreter> -c "<SAFE_PATH>; from shapelens.cli import main; ..." serve`.
 * Not `-I`, which would also drop PYTHONPATH and the user site-packages, where a
 * `pip install --user shapelens` lives.
 */
export function serverCommand(
  interpreter: Interpreter,
  source: ServerSource = { strategy: 'fromEnvironment' },
): { command: string; args: string[] } {
  if (source.launcher) {
    return { command: interpreter.command, args: [...interpreter.args, '-I', source.launcher, 'serve'] };
  }
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

export type Probe =
  | { ok: true; version: string; python: string; location: string }
  | { ok: false; problem: 'no-python' | 'too-old' | 'not-importable'; reason: string };

/** Python code run with `-c`: the Python version, then where `shapelens` imports from (as the server would import it). */
export function probeCode(source: ServerSource): string {
  const libs = source.launcher ? `sys.path.insert(0, ${JSON.stringify(join(source.launcher, '..', '..', 'libs'))})\n` : '';
  return (
    'import sys\n' +
    `if sys.version_info[:2] < (${MIN_PYTHON[0]}, ${MIN_PYTHON[1]}):\n` +
    "    sys.stdout.write('too-old %d.%d.%d' % tuple(sys.version_info[:3]))\n" +
    '    sys.exit(0)\n' +
    libs +
    'import os, shapelens\n' +
    "sys.stdout.write('ok %d.%d.%d ' % tuple(sys.version_info[:3]) + getattr(shapelens, '__version__', '?') + ' ' + os.path.dirname(os.path.abspath(shapelens.__file__)))\n"
  );
}

/** Parses what `probeCode` printed (or how the interpreter failed). */
export function parseProbe(error: (Error & { code?: unknown }) | null, stdout: string, stderr: string): Probe {
  if (error && error.code === 'ENOENT') {
    return { ok: false, problem: 'no-python', reason: 'not found' };
  }
  const out = stdout.trim();
  const tooOld = /^too-old (\S+)/.exec(out);
  if (tooOld) {
    return { ok: false, problem: 'too-old', reason: `Python ${tooOld[1]}` };
  }
  const ok = /^ok (\S+) (\S+) (.+)$/.exec(out);
  if (!error && ok) {
    return { ok: true, python: ok[1], version: ok[2], location: ok[3] };
  }
  const lines = stderr.trim().split('\n');
  const last = lines[lines.length - 1] || (error ? error.message : `unexpected output: ${out}`);
  if (error && error.code === 'EACCES') {
    return { ok: false, problem: 'no-python', reason: 'not executable' };
  }
  // Python ran and an import failed: a traceback; anything else did not behave as a Python
  return { ok: false, problem: /Traceback|Error:/.test(stderr) ? 'not-importable' : 'no-python', reason: last };
}

/** Runs the probe in the interpreter: its version and where the server's `shapelens` imports from. */
export function probeInterpreter(interpreter: Interpreter, source: ServerSource, timeoutMs = 20000): Promise<Probe> {
  return new Promise((resolve) => {
    execFile(
      interpreter.command,
      // as the server runs: isolated for the bundle, the workspace dropped from sys.path otherwise
      source.launcher
        ? [...interpreter.args, '-I', '-c', probeCode(source)]
        : [...interpreter.args, '-c', `${SAFE_PATH}\n${probeCode(source)}`],
      { timeout: timeoutMs, windowsHide: true, env: safeEnvironment() },
      (error, stdout, stderr) => resolve(parseProbe(error, String(stdout), String(stderr))),
    );
  });
}

/** The message for an interpreter that cannot run the server (no Python, too old, no shapelens). */
export function problemMessage(interpreter: Interpreter, source: ServerSource, probe: Probe & { ok: false }): string {
  const who = [interpreter.command, ...interpreter.args].join(' ');
  const where = describeSource(interpreter);
  const need = `Python ${MIN_PYTHON[0]}.${MIN_PYTHON[1]} or newer`;
  const choose = 'Select an interpreter in the Python extension or set shapelens.interpreter.';
  switch (probe.problem) {
    case 'no-python':
      return `ShapeLens needs ${need} to run its server, and "${who}" (${where}) could not be run: ${probe.reason}. ${choose}`;
    case 'too-old':
      return `ShapeLens needs ${need} to run its server; "${who}" (${where}) is ${probe.reason}. ${choose}`;
    default:
      if (source.strategy === 'useBundled') {
        return `ShapeLens: the server bundled with the extension does not import with ${who} (${where}): ${probe.reason}`;
      }
      return `${missingServerMessage(interpreter, probe.reason)} (shapelens.importStrategy is fromEnvironment; useBundled needs no install)`;
  }
}
