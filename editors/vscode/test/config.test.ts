// Unit tests of the parts of the extension that need no VS Code: run with `npm test`
// (esbuild bundles this file into out/test/, then `node --test` runs it).

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import {
  DEFAULT_SETTINGS,
  SAFE_PATH,
  chooseInterpreter,
  checkImportable,
  initializationOptions,
  installCommand,
  missingServerMessage,
  serverCommand,
  serverSettings,
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
  test('runs the server module over stdio', () => {
    assert.deepEqual(serverCommand(chooseInterpreter(undefined, undefined)), {
      command: 'python3',
      args: ['-c', `${SAFE_PATH}; from shapelens.cli import main; sys.exit(main())`, 'serve'],
    });
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

describe('import check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shapelens-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function fakePython(name: string, script: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  test('an interpreter where shapelens imports', async () => {
    const python = fakePython('good', 'printf 0.1.0');
    assert.deepEqual(await checkImportable(chooseInterpreter(undefined, python)), { ok: true, version: '0.1.0' });
  });

  test('an interpreter without shapelens: the last line of the traceback', async () => {
    const python = fakePython(
      'bad',
      `echo 'Traceback (most recent call last):' >&2; echo "ModuleNotFoundError: No module named 'shapelens'" >&2; exit 1`,
    );
    assert.deepEqual(await checkImportable(chooseInterpreter(undefined, python)), {
      ok: false,
      reason: "ModuleNotFoundError: No module named 'shapelens'",
    });
  });

  test('an interpreter that does not exist', async () => {
    const result = await checkImportable(chooseInterpreter(undefined, join(dir, 'no-such-python')));
    assert.deepEqual(result, { ok: false, reason: 'interpreter not found' });
  });

  test('the real interpreter of the project, when there is one', { skip: !process.env.SHAPELENS_PYTHON }, async () => {
    const result = await checkImportable(chooseInterpreter(undefined, process.env.SHAPELENS_PYTHON));
    assert.equal(result.ok, true);
  });
});
