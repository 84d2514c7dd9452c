// Unit tests of the parts of the extension that need no VS Code: run with `npm test`
// (esbuild bundles this file into out/test/, then `node --test` runs it).

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import {
  DEFAULT_SETTINGS,
  SAFE_PATH,
  bundledLauncher,
  chooseInterpreter,
  importStrategy,
  initializationOptions,
  installCommand,
  missingServerMessage,
  parseProbe,
  probeInterpreter,
  problemMessage,
  serverCommand,
  serverSettings,
  serverSource,
} from '../src/config';

const packageJson = require('../package.json');

describe('interpreter choice', () => {
  test('the Python extension wins over the setting', () => {
    const chosen = chooseInterpreter(['/proj/.venv/bin/python'], '/usr/bin/python3.12');
    assert.deepEqual(chosen, { command: '/proj/.venv/bin/python', args: [], source: 'python-extension' });
  });

  test('a multi-word execution command from the Python extension keeps its arguments', () => {
    const chosen = chooseInterpreter(['conda', 'run', '-n', 'tf', 'python'], undefined);
    assert.deepEqual(chosen, { command: 'conda', args: ['run', '-n', 'tf', 'python'], source: 'python-extension' });
    assert.deepEqual(serverCommand(chosen), {
      command: 'conda',
      args: ['run', '-n', 'tf', 'python', '-c', `${SAFE_PATH}; from shapelens.cli import main; sys.exit(main())`, 'serve'],
    });
  });

  test('without the Python extension (or with no interpreter selected there) the setting is used', () => {
    assert.deepEqual(chooseInterpreter(undefined, '/opt/py/bin/python'), {
      command: '/opt/py/bin/python',
      args: [],
      source: 'setting',
    });
    assert.equal(chooseInterpreter([], ' /opt/py/bin/python ').command, '/opt/py/bin/python');
    assert.equal(chooseInterpreter([''], '/opt/py/bin/python').source, 'setting');
  });

  test('a setting starting with ~/ is expanded', () => {
    const home = process.env.HOME;
    process.env.HOME = '/home/someone';
    try {
      assert.equal(chooseInterpreter(undefined, '~/venvs/ml/bin/python').command, '/home/someone/venvs/ml/bin/python');
    } finally {
      process.env.HOME = home;
    }
  });

  test('neither: python3', () => {
    for (const setting of [undefined, '', '   ', 42, null]) {
      assert.deepEqual(chooseInterpreter(undefined, setting), { command: 'python3', args: [], source: 'default' });
    }
  });
});

describe('server command', () => {
  test('fromEnvironment: the server module of the interpreter, with the workspace dropped from sys.path', () => {
    assert.deepEqual(serverCommand(chooseInterpreter(undefined, undefined), serverSource('fromEnvironment', '/ext')), {
      command: 'python3',
      args: ['-c', `${SAFE_PATH}; from shapelens.cli import main; sys.exit(main())`, 'serve'],
    });
  });

  test('useBundled (the default): the launcher inside the extension, isolated (-I)', () => {
    assert.equal(importStrategy(undefined), 'useBundled');
    assert.equal(importStrategy('nonsense'), 'useBundled');
    assert.equal(importStrategy('fromEnvironment'), 'fromEnvironment');
    assert.deepEqual(serverCommand(chooseInterpreter(['/venv/bin/python'], undefined), serverSource('useBundled', '/ext')), {
      command: '/venv/bin/python',
      args: ['-I', '/ext/bundled/tool/launch.py', 'serve'],
    });
  });

  test('package.json contributes shapelens.importStrategy as in the ruff and pylint extensions', () => {
    const property = packageJson.contributes.configuration.properties['shapelens.importStrategy'];
    assert.deepEqual(property.enum, ['useBundled', 'fromEnvironment']);
    assert.equal(property.default, 'useBundled');
  });

  test('install command quotes paths with spaces', () => {
    const interpreter = chooseInterpreter(['/Users/me/My Projects/.venv/bin/python'], undefined);
    assert.equal(installCommand(interpreter), `'/Users/me/My Projects/.venv/bin/python' -m pip install shapelens`);
    assert.equal(installCommand(chooseInterpreter(undefined, undefined)), 'python3 -m pip install shapelens');
  });

  test('the message for a missing server names the interpreter, where it came from and the install command', () => {
    const interpreter = chooseInterpreter(undefined, '/opt/py/bin/python');
    const message = missingServerMessage(interpreter, "ModuleNotFoundError: No module named 'shapelens'");
    assert.match(message, /not importable by \/opt\/py\/bin\/python/);
    assert.match(message, /shapelens\.interpreter/);
    assert.match(message, /No module named 'shapelens'/);
    assert.match(message, /Install it with: \/opt\/py\/bin\/python -m pip install shapelens$/);
  });
});

describe('settings', () => {
  test('defaults when nothing is set', () => {
    assert.deepEqual(serverSettings(() => undefined), DEFAULT_SETTINGS);
    assert.deepEqual(DEFAULT_SETTINGS, {
      inlayHints: { enabled: true, showParams: true, showZeroParamLayers: false },
      diagnostics: { enabled: true },
      batchDimensionLabel: 'None',
    });
  });

  test('values set by the user are passed on; mistyped ones fall back to the default', () => {
    const values: Record<string, unknown> = {
      'inlayHints.enabled': false,
      'inlayHints.showParams': 'yes',
      'inlayHints.showZeroParamLayers': true,
      'diagnostics.enabled': false,
      batchDimensionLabel: 'B',
    };
    const settings = serverSettings((key) => values[key]);
    assert.deepEqual(settings, {
      inlayHints: { enabled: false, showParams: true, showZeroParamLayers: true },
      diagnostics: { enabled: false },
      batchDimensionLabel: 'B',
    });
    assert.deepEqual(initializationOptions(settings), { shapelens: settings });
  });

  test('package.json contributes every server setting, with its default and a description', () => {
    const properties = packageJson.contributes.configuration.properties as Record<string, any>;
    const flat: Record<string, unknown> = {};
    const walk = (prefix: string, value: unknown) => {
      if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
      } else {
        flat[prefix] = value;
      }
    };
    walk('', DEFAULT_SETTINGS);
    for (const [key, fallback] of Object.entries(flat)) {
      const property = properties[`shapelens.${key}`];
      assert.ok(property, `shapelens.${key} is contributed`);
      assert.equal(property.default, fallback, `default of shapelens.${key}`);
      assert.equal(property.type, typeof fallback, `type of shapelens.${key}`);
      assert.ok((property.markdownDescription ?? property.description ?? '').length > 20, `description of ${key}`);
    }
    assert.ok(properties['shapelens.interpreter']);
    assert.ok(packageJson.contributes.commands.some((c: any) => c.command === 'shapelens.restartServer'));
  });
});

describe('interpreter probe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shapelens-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function fakePython(name: string, script: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  }
  const bundled = serverSource('useBundled', '/ext');
  const fromEnvironment = serverSource('fromEnvironment', '/ext');

  test('an interpreter where shapelens imports: versions and where from', async () => {
    const python = fakePython('good', 'printf "ok 3.11.7 0.1.0 /ext/bundled/libs/shapelens"');
    assert.deepEqual(await probeInterpreter(chooseInterpreter(undefined, python), bundled), {
      ok: true,
      python: '3.11.7',
      version: '0.1.0',
      location: '/ext/bundled/libs/shapelens',
    });
  });

  test('an interpreter without shapelens: the last line of the traceback, and the install command', async () => {
    const python = fakePython(
      'bad',
      `echo 'Traceback (most recent call last):' >&2; echo "ModuleNotFoundError: No module named 'shapelens'" >&2; exit 1`,
    );
    const interpreter = chooseInterpreter(undefined, python);
    const probe = await probeInterpreter(interpreter, fromEnvironment);
    assert.deepEqual(probe, { ok: false, problem: 'not-importable', reason: "ModuleNotFoundError: No module named 'shapelens'" });
    assert.ok(!probe.ok);
    const message = problemMessage(interpreter, fromEnvironment, probe);
    assert.match(message, /not importable by/);
    assert.match(message, /-m pip install shapelens/);
    assert.match(message, /importStrategy is fromEnvironment; useBundled needs no install/);
  });

  test('an interpreter that does not exist: no Python', async () => {
    const interpreter = chooseInterpreter(undefined, join(dir, 'no-such-python'));
    const probe = await probeInterpreter(interpreter, bundled);
    assert.deepEqual(probe, { ok: false, problem: 'no-python', reason: 'not found' });
    assert.ok(!probe.ok);
    assert.match(problemMessage(interpreter, bundled, probe), /needs Python 3\.10 or newer to run its server, and ".*no-such-python" \(the shapelens\.interpreter setting\) could not be run: not found/);
  });

  test('a Python that is too old', async () => {
    const interpreter = chooseInterpreter(undefined, fakePython('old', 'printf "too-old 3.8.10"'));
    const probe = await probeInterpreter(interpreter, bundled);
    assert.deepEqual(probe, { ok: false, problem: 'too-old', reason: 'Python 3.8.10' });
    assert.ok(!probe.ok);
    assert.match(problemMessage(interpreter, bundled, probe), /needs Python 3\.10 or newer .* is Python 3\.8\.10\./);
  });

  test('what the probe printed is parsed; a non-Python is not taken for one', () => {
    assert.deepEqual(parseProbe(null, 'ok 3.12.1 0.2.0 /a b/shapelens\n', ''), {
      ok: true, python: '3.12.1', version: '0.2.0', location: '/a b/shapelens',
    });
    assert.equal(parseProbe(Object.assign(new Error('x'), { code: 1 }), '', 'Unknown option: -I\nusage: python').ok, false);
  });

  const python = process.env.SHAPELENS_PYTHON || 'python3';
  test(`a real Python (${python}) runs the probe; with a fake bundle it imports from the bundle`, async () => {
    const ext = join(dir, 'ext');
    mkdirSync(join(ext, 'bundled/libs/shapelens'), { recursive: true });
    writeFileSync(join(ext, 'bundled/libs/shapelens/__init__.py'), "__version__ = '9.9.9'\n");
    const probe = await probeInterpreter(chooseInterpreter(undefined, python), serverSource('useBundled', ext));
    assert.ok(probe.ok, JSON.stringify(probe));
    assert.equal(probe.version, '9.9.9');
    assert.equal(probe.location, join(ext, 'bundled/libs/shapelens'));
    assert.equal(bundledLauncher(ext), join(ext, 'bundled/tool/launch.py'));
  });
});
