// Real-editor test of the ShapeLens VS Code extension: installs the .vsix into code-server (VS Code
// in the browser), opens example files by clicking them in the Explorer, and checks in headless
// Chromium (playwright-core) what a person would see: the inlay hint after a Conv2D line, the
// derivation in the hover, an error squiggle under a bad merge; also that a setting changed in
// the Settings editor changes the hints, that the layer calls inside a subclassed model's call()
// get hints, that "ShapeLens: Restart Server" works, that
// `shapelens.importStrategy: fromEnvironment` with an interpreter without shapelens gets a message
// with the install command, that no Python gets a message whose button opens the setting, and that
// an untitled Python buffer gets hints. Screenshots and the extension's log go to $ARTIFACTS.
//
// Only the .vsix is installed: the server is the one bundled in it, run by `python3` on PATH, which
// is a fresh virtual environment without shapelens (nothing is pip-installed for this test).
//
// Every wait is on a condition (a DOM element, a log line, a process exit), bounded by a timeout
// that only decides when to give up. Every process started here is in one process group that is
// killed at the end; HOME, XDG dirs and TMPDIR point into a temporary folder that is removed.
//
//   SHAPELENS_VSIX=.../shapelens.vsix node --test e2e.test.mjs
//
// Environment:
//   SHAPELENS_VSIX      the packaged extension (default: editors/vscode/shapelens.vsix)
//   ARTIFACTS           where screenshots and logs go (default: tests/editors/artifacts/vscode)
//   SHAPELENS_UPDATE_SCREENSHOT=1  also write the README screenshots editors/vscode/screenshot.png,
//                       notebook-screenshot.png and subclass-screenshot.png
//   CHROMIUM            browser binary (default: /usr/bin/chromium)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const vsix = resolve(process.env.SHAPELENS_VSIX ?? join(repo, 'editors/vscode/shapelens.vsix'));
const artifacts = resolve(process.env.ARTIFACTS ?? join(repo, 'tests/editors/artifacts/vscode'));
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const codeServer = join(here, 'node_modules/.bin/code-server');

// What the example files must show (the acceptance criteria).
const CONV_LINE = "x = layers.Conv2D(16, 3, activation='relu')(image_input)";
const CONV_HINT = '(None, 148, 148, 16) · 448 params';
const MERGE_LINE = 'out = layers.Add()([inputs, x])';

// A subclassed model called on a keras.Input (examples/subclassed_model.py): the layer calls inside
// its call() get hints, traced by ShapeLens; the values are those of real Keras (checked against
// tests/traced_oracle.py by tests/cli/test_cli_traced.py).
const SUB_CLASS_LINE = 'class SmallCNN(keras.Model):';
const SUB_HINTS = [
  ['x = self.stem(inputs)', '(None, 64, 64, 32) · 896 params'],
  ['y = self.conv_b(y)', '(None, 32, 32, 32) · 9,248 params'],
  ['x = self.down(x)', '(None, 15, 15, 64) · 18,496 params'],
  ['return self.head(x)', '(None, 10) · 650 params'],
];
const SUB_LAST_LINE = 'model(keras.Input(shape=(64, 64, 3)))';

const UNTITLED_CONV_LINE = 'x = layers.Conv2D(16, 3)(image_input)';
const UNTITLED_TEXT = ['from keras import layers', 'image_input = layers.Input(shape=(150, 150, 3))', UNTITLED_CONV_LINE, ''].join('\n');

// A Jupyter notebook (VS Code's built-in notebook editor; no Jupyter extension, no kernel): the
// code cells are one module, so the Conv2D in the third code cell is sized by the Input of the second.
const NB_INPUT_LINE = 'inputs = keras.Input(shape=(28, 28, 1))';
const NB_CONV_LINE = "x = layers.Conv2D(16, 3, activation='relu')(inputs)";
const NB_CONV_HINT = '(None, 26, 26, 16) · 160 params';
const NB_CONV_HINT_EDITED = '(None, 30, 26, 16) · 160 params'; // after the Input's first 28 became 32
const NB_DENSE_LINE = 'outputs = layers.Dense(10)(x)';
const NB_CELLS = [
  ['markdown', '# A small CNN, cell by cell'],
  ['code', '%matplotlib inline\nimport keras\nfrom keras import layers'],
  ['code', NB_INPUT_LINE],
  ['code', [NB_CONV_LINE, 'x = layers.MaxPooling2D()(x)', 'x = layers.Flatten()(x)', NB_DENSE_LINE,
    'model = keras.Model(inputs, outputs)'].join('\n')],
];

/** The .ipynb JSON of NB_CELLS (nbformat 4, a Python kernelspec; never run: no outputs). */
function notebookJson(cells) {
  const source = (text) => text.split('\n').map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));
  return JSON.stringify({
    cells: cells.map(([kind, text]) => ({
      cell_type: kind,
      metadata: {},
      source: source(text),
      ...(kind === 'code' ? { execution_count: null, outputs: [] } : {}),
    })),
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}

const WAIT = Number(process.env.SHAPELENS_WAIT_MS) || 90_000; // upper bound for one condition; never a fixed delay

const runId = `shapelens-e2e-${process.pid}-${Date.now()}`;
const root = mkdtempSync(join(tmpdir(), 'shapelens-vscode-'));
const dirs = {
  home: join(root, 'home'),
  tmp: join(root, 'tmp'),
  userData: join(root, 'user-data'),
  extensions: join(root, 'extensions'),
  workspace: join(root, 'workspace'),
  profile: join(root, 'chromium-profile'),
};
const env = {
  ...process.env,
  HOME: dirs.home,
  XDG_CONFIG_HOME: join(dirs.home, '.config'),
  XDG_DATA_HOME: join(dirs.home, '.local/share'),
  XDG_CACHE_HOME: join(dirs.home, '.cache'),
  XDG_STATE_HOME: join(dirs.home, '.local/state'),
  TMPDIR: dirs.tmp,
  SHAPELENS_E2E_RUN: runId, // marks every process of this run, to find leftovers
};
delete env.VSCODE_IPC_HOOK_CLI;

const emptyPython = join(root, 'empty-venv/bin/python');
let userSettings; // what the test writes to User/settings.json
let server; // the code-server process (leader of its own process group)
let serverLog = '';
let context; // playwright browser context
let page;

function log(message) {
  process.stderr.write(`[e2e] ${message}\n`);
}

/** First existing file among candidates (the examples, or this test's own fixtures). */
function example(...candidates) {
  for (const candidate of candidates) {
    const path = join(repo, candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(`none of ${candidates.join(', ')} exists`);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** Runs a command to completion (own process group), returning its output; throws on failure. */
async function run(command, args) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`);
  return output;
}

/** Resolves when `predicate(text so far)` holds for the server's output; rejects if it exits first. */
function waitForServerOutput(predicate, what) {
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}:\n${serverLog}`)), WAIT);
    const check = () => {
      if (predicate(serverLog)) {
        clearTimeout(timer);
        server.stdout.off('data', check);
        server.stderr.off('data', check);
        server.off('exit', exited);
        resolveWait(serverLog);
      }
    };
    const exited = (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code}) before ${what}:\n${serverLog}`));
    };
    server.stdout.on('data', check);
    server.stderr.on('data', check);
    server.once('exit', exited);
    check();
  });
}

/** Processes (other than this one) whose environment carries this run's marker. */
function leftoverProcesses() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`SHAPELENS_E2E_RUN=${runId}`)) {
        found.push(Number(entry));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopServer() {
  if (!server) return;
  const group = server.pid;
  if (server.exitCode === null && server.signalCode === null) {
    const exited = once(server, 'exit');
    try {
      process.kill(-group, 'SIGTERM');
    } catch {
      // already gone
    }
    const timeout = new Promise((resolveTimeout) => setTimeout(resolveTimeout, 10_000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  // The extension host and the language server may outlive code-server briefly: end them too.
  for (let round = 0; round < 50; round++) {
    const rest = leftoverProcesses();
    if (rest.length === 0) return;
    for (const pid of rest) {
      try {
        process.kill(pid, round < 20 ? 'SIGTERM' : 'SIGKILL');
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 100)); // poll interval while processes exit
  }
  const rest = leftoverProcesses().filter(alive);
  if (rest.length) throw new Error(`processes left behind: ${rest.join(', ')}`);
}

/** The text of the rendered view line (injected inlay-hint text included) that contains `needle`. */
async function viewLineText(needle) {
  return page.evaluate((needle) => {
    const lines = [...document.querySelectorAll('.editor-instance .view-line, .monaco-editor .view-line')];
    const texts = lines.map((line) => line.textContent.replace(/\u00a0/g, ' '));
    return texts.find((text) => text.includes(needle)) ?? null;
  }, needle);
}

/** Waits until the view line containing `needle` also contains `expected` (and not `absent`); returns its text. */
async function waitForLineContaining(needle, expected, absent = null) {
  const handle = await page.waitForFunction(
    ([needle, expected, absent]) => {
      for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
        const text = line.textContent.replace(/\u00a0/g, ' ');
        if (text.includes(needle) && text.includes(expected) && !(absent && text.includes(absent))) return text;
      }
      return false;
    },
    [needle, expected, absent],
    { timeout: WAIT },
  );
  return handle.jsonValue();
}

/** Screen coordinates of the middle of `word` inside the view line that contains `needle`. */
async function wordCenter(needle, word) {
  const box = await page.evaluate(
    ([needle, word]) => {
      for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
        const text = line.textContent.replace(/\u00a0/g, ' ');
        if (!text.includes(needle)) continue;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent.replace(/\u00a0/g, ' ').indexOf(word);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          const rect = range.getBoundingClientRect();
          return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
        }
      }
      return null;
    },
    [needle, word],
  );
  assert.ok(box, `"${word}" is on screen in the line "${needle}"`);
  return box;
}

/** Opens a file by clicking its row in the Explorer; waits for its text in the editor. */
async function openFromExplorer(name, lineInFile) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: WAIT });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: WAIT });
  await page.waitForFunction(
    (needle) =>
      [...document.querySelectorAll('.monaco-editor .view-line')].some((line) =>
        line.textContent.replace(/\u00a0/g, ' ').includes(needle),
      ),
    lineInFile,
    { timeout: WAIT },
  );
}

/** Moves the mouse onto `word` and waits for a visible hover whose text includes every `expected`. */
async function hoverAndRead(needle, word, expected) {
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expected[0] }).first();
  const { x, y } = await wordCenter(needle, word);
  await page.mouse.move(x, y - 30); // off the word first, so that moving onto it is a fresh hover
  await page.mouse.move(x, y, { steps: 4 });
  await hover.waitFor({ state: 'visible', timeout: WAIT });
  // the hover fades in: wait until it and its containers are fully opaque and done animating
  await page.waitForFunction(
    () => {
      const shown = [...document.querySelectorAll('.monaco-hover:not(.hidden)')].filter((h) => h.offsetParent);
      return shown.length > 0 && shown.every((h) => {
        for (let el = h; el && el !== document.body; el = el.parentElement) {
          if (Number(getComputedStyle(el).opacity) < 1) return false;
          if (el.getAnimations().some((a) => a.playState === 'running')) return false;
        }
        return h.getAnimations({ subtree: true }).every((a) => a.playState !== 'running');
      });
    },
    undefined,
    { timeout: WAIT },
  );
  const text = (await hover.innerText()).replace(/\u00a0/g, ' ');
  for (const part of expected) assert.ok(text.includes(part), `hover shows "${part}":\n${text}`);
  return text;
}

/**
 * Accepts the quick pick's entry `label` (its whole label, or followed by ", keybinding" or " (id)")
 * with the keyboard: arrows until it is the focused entry, then Enter. No mouse, since a tooltip of
 * the quick input may lie over its first rows.
 */
async function pickFocused(label) {
  const state = () =>
    page.evaluate((label) => {
      const rows = [...document.querySelectorAll('.quick-input-widget .monaco-list-row')];
      const labels = rows.map((row) => row.getAttribute('aria-label') ?? '');
      const target = labels.findIndex((l) => l === label || l.startsWith(`${label},`) || l.startsWith(`${label} `));
      const focused = rows.findIndex((row) => row.classList.contains('focused'));
      return { labels, target, focused };
    }, label);
  try {
    await page.waitForFunction(
      (label) =>
        [...document.querySelectorAll('.quick-input-widget .monaco-list-row')].some((row) => {
          const l = row.getAttribute('aria-label') ?? '';
          return l === label || l.startsWith(`${label},`) || l.startsWith(`${label} `);
        }),
      label,
      { timeout: WAIT },
    );
  } catch (error) {
    throw new Error(`no entry "${label}" in the quick pick:\n${(await state()).labels.join('\n')}\n${error.message}`);
  }
  const input = page.locator('.quick-input-widget input');
  for (let step = 0; ; step++) {
    const { target, focused, labels } = await state();
    if (target === focused) break;
    if (step > labels.length + 2) throw new Error(`could not focus "${label}":\n${labels.join('\n')}`);
    await input.press(target > focused ? 'ArrowDown' : 'ArrowUp');
  }
  await input.press('Enter');
}

/** What holds the keyboard focus and what lies over the workbench: logged when the palette will not open. */
async function focusReport() {
  return page.evaluate(() => {
    const name = (el) =>
      el ? `<${el.tagName.toLowerCase()} class="${el.className}" aria-label="${el.getAttribute('aria-label') ?? ''}">` : 'none';
    const shown = (selector) =>
      [...document.querySelectorAll(selector)].filter((el) => el.offsetParent).map((el) => el.innerText.replace(/\s+/g, ' ').slice(0, 160));
    return [
      `focus: ${name(document.activeElement)} (page focused: ${document.hasFocus()})`,
      `dialogs: ${JSON.stringify(shown('.monaco-dialog-box'))}`,
      `notifications: ${JSON.stringify(shown('.notification-toast'))}`,
      `context views: ${JSON.stringify(shown('.context-view'))}`,
    ].join('; ');
  });
}

/**
 * Moves the mouse off whatever it was clicked on, to the empty part of the Explorer: a mouse left on
 * a tab brings up the tab's hover after a delay, and such a hover took the keyboard focus from the
 * command palette once in CI.
 */
async function restMouse() {
  const box = await page.locator('.explorer-folders-view').first().boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height - 5);
}

/**
 * Reloads the window, as a person does when the workbench stops taking commands, and brings the
 * editor that was in front back to the front (opened again from the Explorer if it was a preview).
 */
async function reloadWindow() {
  const active = (await page.locator('.tabs-container .tab.active .label-name').first().textContent({ timeout: 5_000 }).catch(() => null))?.trim();
  await page.reload();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: WAIT });
  if (active) await showTab(active);
}

/** Runs a command from the command palette (F1), by its title. */
async function runCommand(title) {
  const input = page.locator('.quick-input-widget input');
  // give the workbench the keyboard focus (a dismissed notification leaves it nowhere), then F1;
  // a key press can still land nowhere (a tab's hover tooltip took the focus once in CI), and the
  // palette can close again before it is typed into (a new untitled editor took the focus back
  // once in CI): retry both. Once in CI no key opened the palette for minutes, nor in any later
  // test: then what held the focus is logged and the window is reloaded.
  const tab = page.locator('.tabs-container .tab.active').first();
  let typed = false;
  for (let attempt = 0; attempt < 7 && !typed; attempt++) {
    try {
      if (attempt === 4) {
        log(`the palette did not open for "${title}"; ${await focusReport()}; reloading the window`);
        await reloadWindow();
      }
      if (await tab.count()) await tab.click({ timeout: 10_000 });
      await restMouse();
      await page.keyboard.press(attempt % 2 ? 'Control+Shift+P' : 'F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      typed = true;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  if (!typed) {
    log(`the palette did not open for "${title}"; ${await focusReport()}`);
    await input.waitFor({ state: 'visible', timeout: WAIT });
    await input.fill(`>${title}`);
  }
  await pickFocused(title);
  // the palette closes, or its input is taken over by the command's own quick pick
  await page.waitForFunction(
    () => {
      const box = document.querySelector('.quick-input-widget input');
      return !box || !box.offsetParent || !(box.getAttribute('aria-label') ?? '').startsWith('Type the name of a command');
    },
    undefined,
    { timeout: WAIT },
  );
}

/** Brings an open editor's tab to the front. */
async function showTab(name) {
  const tab = page.locator('.tabs-container .tab', { hasText: name }).first();
  // a reloaded window does not reopen a preview editor: then the file is opened again
  if (!(await tab.count())) await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await tab.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: WAIT });
  await restMouse();
}

/** Sets settings as a person would: in the Settings editor, searching each key and editing its control. */
async function setSettingsInUI(values, target = 'User') {
  await runCommand('Preferences: Open User Settings');
  const editor = page.locator('.settings-editor');
  await editor.waitFor({ timeout: WAIT });
  const tab = editor.locator('.settings-tabs-widget .action-label', { hasText: target }).first();
  await tab.click();
  await editor.locator('.settings-tabs-widget .action-label.checked', { hasText: target }).waitFor({ timeout: WAIT });
  for (const [key, value] of Object.entries(values)) {
    await editor.locator('.settings-header .search-container').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(key);
    const row = editor.locator(`.setting-item-contents[data-key="${key}"]`);
    await row.waitFor({ state: 'visible', timeout: WAIT });
    if (typeof value === 'boolean') {
      const box = row.locator('.setting-value-checkbox');
      if ((await box.getAttribute('aria-checked')) !== String(value)) await box.click();
      await page.waitForFunction(
        ([key, value]) =>
          document.querySelector(`.setting-item-contents[data-key="${key}"] .setting-value-checkbox`)?.getAttribute('aria-checked') === value,
        [key, String(value)],
        { timeout: WAIT },
      );
    } else if (await row.locator('select').count()) {
      await row.locator('select').selectOption(String(value));
      await page.waitForFunction(
        ([key, value]) => document.querySelector(`.setting-item-contents[data-key="${key}"] select`)?.value === value,
        [key, String(value)],
        { timeout: WAIT },
      );
    } else {
      const input = row.locator('input');
      await input.fill(String(value));
      await input.press('Tab');
    }
  }
}

function writeUserSettings(settings) {
  // code-server is a remote window: machine-scoped settings (shapelens.interpreter) are read from
  // the remote's Machine/settings.json ("Remote" tab of the Settings editor), not from User
  const { 'shapelens.interpreter': interpreter, ...user } = settings;
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User/settings.json'), JSON.stringify(user, null, 2));
  mkdirSync(join(dirs.userData, 'Machine'), { recursive: true });
  writeFileSync(join(dirs.userData, 'Machine/settings.json'), JSON.stringify({ 'shapelens.interpreter': interpreter }, null, 2));
}

/** The ShapeLens output channel's log file (the newest), or null before the extension wrote one. */
function shapelensLog() {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === 'ShapeLens.log') found.push(path);
    }
  };
  if (existsSync(join(dirs.userData, 'logs'))) walk(join(dirs.userData, 'logs'));
  found.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  return found.length ? found[found.length - 1] : null;
}

/** Polls (every 100 ms, at most WAIT) until `predicate(text of the ShapeLens log)` holds. */
async function waitForLog(predicate, what) {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const path = shapelensLog();
    const text = path ? readFileSync(path, 'utf8') : '';
    if (predicate(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the log:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function screenshot(name) {
  const path = join(artifacts, name);
  await page.screenshot({ path });
  log(`screenshot ${path} (${statSync(path).size} bytes)`);
  return path;
}

/** A test whose failure also saves a screenshot of the page as it was. */
function editorTest(name, slug, body) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      if (page) await screenshot(`failure-${slug}.png`).catch(() => {});
      throw error;
    }
  });
}

describe('ShapeLens in VS Code (code-server + headless Chromium)', () => {
  before(async () => {
    assert.ok(existsSync(vsix), `the extension is built: ${vsix}`);
    assert.ok(existsSync(codeServer), `code-server is installed: ${codeServer} (npm ci in ${here})`);
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    mkdirSync(artifacts, { recursive: true });

    copyFileSync(example('examples/cats_vs_dogs.py', 'tests/editors/fixtures/cats_vs_dogs.py'), join(dirs.workspace, 'cats_vs_dogs.py'));
    copyFileSync(example('examples/errors/add_mismatch.py', 'tests/editors/fixtures/add_mismatch.py'), join(dirs.workspace, 'add_mismatch.py'));
    copyFileSync(example('examples/subclassed_model.py'), join(dirs.workspace, 'subclassed_model.py'));
    writeFileSync(join(dirs.workspace, 'small_cnn.ipynb'), notebookJson(NB_CELLS));

    userSettings = {
      'shapelens.trace.server': 'messages',
      'editor.inlayHints.enabled': 'on',
      'editor.hover.delay': 300,
      'editor.minimap.enabled': false,
      'editor.fontSize': 13,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.colorTheme': 'Default Light Modern',
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'extensions.ignoreRecommendations': true,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'window.commandCenter': false,
      'chat.commandCenter.enabled': false,
      'workbench.layoutControl.enabled': false,
      'git.enabled': false,
    };
    writeUserSettings(userSettings);
    writeFileSync(join(root, 'config.yaml'), 'auth: none\ncert: false\n');

    const common = ['--config', join(root, 'config.yaml'), '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
    // `python3` on PATH (for code-server, its extension host and the server): a fresh venv
    // without shapelens, so the server that runs can only be the one inside the .vsix
    await run('python3', ['-m', 'venv', '--without-pip', join(root, 'empty-venv')]);
    env.PATH = `${dirname(emptyPython)}:${env.PATH}`;
    await assert.rejects(run('python3', ['-I', '-c', 'import shapelens']), /No module named 'shapelens'/);
    const installed = await run(codeServer, [...common, '--install-extension', vsix, '--force']);
    log(installed.trim().split('\n').pop());
    const listed = await run(codeServer, [...common, '--list-extensions', '--show-versions']);
    assert.match(listed, /shapelens\.shapelens@0\.\d+\.\d+/, `the extension is installed:\n${listed}`);

    const port = await freePort();
    server = spawn(
      codeServer,
      [
        ...common,
        '--bind-addr', `127.0.0.1:${port}`,
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        dirs.workspace,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const keep = (chunk) => (serverLog += chunk);
    server.stdout.on('data', keep);
    server.stderr.on('data', keep);
    await waitForServerOutput((text) => text.includes('HTTP server listening'), 'code-server to listen');
    log(`code-server listening on ${port}`);

    context = await chromium.launchPersistentContext(dirs.profile, {
      executablePath: browserPath,
      headless: true,
      viewport: { width: 1180, height: 640 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      env,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: WAIT });
  });

  after(async () => {
    try {
      if (context) await context.close();
    } finally {
      // keep the logs of the extension (the ShapeLens output channel) with the screenshots
      try {
        const logs = [];
        const walk = (dir) => {
          for (const name of readdirSync(dir)) {
            const path = join(dir, name);
            if (statSync(path).isDirectory()) walk(path);
            else if (/shapelens\.shapelens|exthost\.log$/.test(path)) logs.push(path);
          }
        };
        if (existsSync(join(dirs.userData, 'logs'))) walk(join(dirs.userData, 'logs'));
        const text = logs.map((path) => `== ${path}\n${readFileSync(path, 'utf8')}`).join('\n');
        writeFileSync(join(artifacts, 'shapelens-output.log'), text);
        writeFileSync(join(artifacts, 'code-server.log'), serverLog);
      } catch (error) {
        log(`could not save logs: ${error}`);
      }
      await stopServer();
      rmSync(root, { recursive: true, force: true });
    }
  });

  editorTest('the Conv2D line shows its output shape and parameter count as an inlay hint', 'hint', async () => {
    await openFromExplorer('cats_vs_dogs.py', CONV_LINE);
    const text = await waitForLineContaining(CONV_LINE, CONV_HINT);
    log(`rendered line: ${text}`);
    // the hint comes after the code on that line, not somewhere else
    assert.ok(text.indexOf(CONV_HINT) > text.indexOf(CONV_LINE), text);
    // the hint is an inlay hint (injected text), not text in the file
    const inFile = readFileSync(join(dirs.workspace, 'cats_vs_dogs.py'), 'utf8');
    assert.ok(!inFile.includes(CONV_HINT));
    await screenshot('vscode-inlay-hints.png');
  });

  editorTest('hovering the Conv2D call shows the derivation', 'hover', async () => {
    const text = await hoverAndRead(CONV_LINE, 'Conv2D', ['Conv2D', '(None, 148, 148, 16)', '448']);
    log(`hover: ${text.replace(/\n+/g, ' | ')}`);
    // the derivation: the output size worked out from the 150x150 input and the 3x3 kernel
    assert.match(text, /150/, 'the derivation uses the input size 150');
    assert.match(text, /= 148/, 'the derivation gives 148');
    assert.match(text, /= 448/, 'the derivation gives 448 parameters');
    await screenshot('vscode-hover.png');
    // the README's picture: the editor part only (hints and hover), without the side bars
    const editor = await page.locator('.part.editor').boundingBox();
    const readme = join(artifacts, 'screenshot.png');
    await page.screenshot({ path: readme, clip: editor });
    log(`screenshot ${readme} (${statSync(readme).size} bytes)`);
    if (process.env.SHAPELENS_UPDATE_SCREENSHOT === '1') {
      copyFileSync(readme, join(repo, 'editors/vscode/screenshot.png'));
      log('updated editors/vscode/screenshot.png');
    }
  });

  editorTest('settings changed in the Settings editor reach the server and change the hints', 'settings', async () => {
    await setSettingsInUI({ 'shapelens.batchDimensionLabel': 'batch', 'shapelens.inlayHints.showParams': false });
    await showTab('cats_vs_dogs.py');
    const text = await waitForLineContaining(CONV_LINE, '(batch, 148, 148, 16)', 'params');
    log(`with batchDimensionLabel=batch, showParams=false: ${text}`);
    assert.ok(!text.includes('params'), `no parameter count: ${text}`);
    await screenshot('vscode-settings.png');
    await setSettingsInUI({ 'shapelens.batchDimensionLabel': 'None', 'shapelens.inlayHints.showParams': true });
    await showTab('cats_vs_dogs.py');
    await waitForLineContaining(CONV_LINE, CONV_HINT);
  });

  editorTest('"ShapeLens: Restart Server" from the command palette restarts the server', 'restart', async () => {
    await showTab('cats_vs_dogs.py');
    const before = await waitForLog((text) => text.includes('ShapeLens server started'), 'the first start');
    const starts = before.split('ShapeLens server started').length - 1;
    await runCommand('ShapeLens: Restart Server');
    const after = await waitForLog(
      (text) => text.includes('Restart requested') && text.split('ShapeLens server started').length - 1 > starts,
      'the restarted server',
    );
    assert.match(after, /Interpreter \(default\): python3\n/);
    assert.match(after, /Import strategy: useBundled/);
    // the server bundled in the extension runs, isolated (-I) from the workspace
    assert.match(after, /shapelens \d+\.\d+\.\d+\S* \(bundled with the extension, \S*\/extensions\/shapelens\.shapelens-[^/]+\/bundled\/libs\/shapelens\) on Python 3\.\d+/);
    assert.match(after, /Starting python3 -I \S*\/bundled\/tool\/launch\.py serve/);
    // the new server gives the hints again
    await waitForLineContaining(CONV_LINE, CONV_HINT);
  });

  editorTest('importStrategy fromEnvironment without shapelens installed: a message with the install command', 'missing', async () => {
    const starts = (await waitForLog(() => true, 'the log')).split('ShapeLens server started').length - 1;
    await setSettingsInUI({ 'shapelens.importStrategy': 'fromEnvironment' });
    const toast = page.locator('.notification-toast', { hasText: 'not importable' }).first();
    await toast.waitFor({ state: 'visible', timeout: WAIT });
    const text = (await toast.innerText()).replace(/\u00a0/g, ' ');
    log(`notification: ${text.replace(/\n+/g, ' | ')}`);
    assert.ok(text.includes('python3 -m pip install shapelens'), text);
    assert.ok(text.includes('useBundled needs no install'), text);
    assert.ok(text.includes('Copy Install Command') && text.includes('Open Settings'), text);
    await screenshot('vscode-missing-server.png');
    await toast.locator('.codicon-notifications-clear, .codicon-close').first().click();
    // back to the bundled server: it starts again
    await setSettingsInUI({ 'shapelens.importStrategy': 'useBundled' });
    await waitForLog((log) => log.split('ShapeLens server started').length - 1 > starts, 'the server to start again');
    await showTab('cats_vs_dogs.py');
    await waitForLineContaining(CONV_LINE, CONV_HINT);
  });

  editorTest('no Python: a message whose button opens the interpreter setting', 'no-python', async () => {
    const starts = (await waitForLog(() => true, 'the log')).split('ShapeLens server started').length - 1;
    const missing = join(root, 'no-such-python');
    await setSettingsInUI({ 'shapelens.interpreter': missing }, 'Remote');
    await runCommand('View: Close All Editor Groups');   // the settings editor, so that the button's one is seen
    const toast = page.locator('.notification-toast', { hasText: 'needs Python 3.10 or newer' }).first();
    await toast.waitFor({ state: 'visible', timeout: WAIT });
    const text = (await toast.innerText()).replace(/\u00a0/g, ' ');
    log(`notification: ${text.replace(/\n+/g, ' | ')}`);
    assert.ok(text.includes(`"${missing}"`) && text.includes('could not be run'), text);
    await screenshot('vscode-no-python.png');
    await toast.locator('.monaco-button', { hasText: 'Open Settings' }).first().click();
    // the Settings editor opens, searching for that setting (in code-server, a remote window, the
    // machine-overridable setting itself is listed on the Remote tab)
    await page.waitForFunction(
      () => (document.querySelector('.settings-editor .settings-header .search-container')?.textContent ?? '')
        .replace(/\u00a0/g, ' ').includes('shapelens.interpreter'),
      undefined,
      { timeout: WAIT },
    );
    // an empty setting: python3 again, and the server starts
    await setSettingsInUI({ 'shapelens.interpreter': '' }, 'Remote');
    await waitForLog((log) => log.split('ShapeLens server started').length - 1 > starts, 'the server to start again');
    await openFromExplorer('cats_vs_dogs.py', CONV_LINE);
    await waitForLineContaining(CONV_LINE, CONV_HINT);
  });

  editorTest('an untitled Python file gets hints too', 'untitled', async () => {
    await runCommand('File: New Untitled Text File');
    await page.locator('.tabs-container .tab.active', { hasText: 'Untitled-' }).waitFor({ timeout: WAIT });
    await runCommand('Change Language Mode');
    const input = page.locator('.quick-input-widget input');
    await input.fill('Python');
    await pickFocused('Python');  // "Python (python)"
    await page.locator('.statusbar-item', { hasText: /^Python$/ }).first().waitFor({ timeout: WAIT });
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.insertText(UNTITLED_TEXT);
    const text = await waitForLineContaining(UNTITLED_CONV_LINE, CONV_HINT);
    log(`untitled: ${text}`);
  });

  editorTest('a bad merge gets an error squiggle on its line, with the message on hover', 'error', async () => {
    await openFromExplorer('add_mismatch.py', MERGE_LINE);
    // the squiggle is drawn in the overlay row at the same height as the merge's view line
    const handle = await page.waitForFunction(
      (needle) => {
        const editor = [...document.querySelectorAll('.editor-instance .monaco-editor')].find((e) =>
          [...e.querySelectorAll('.view-line')].some((l) => l.textContent.replace(/\u00a0/g, ' ').includes(needle)),
        );
        if (!editor) return false;
        const line = [...editor.querySelectorAll('.view-line')].find((l) =>
          l.textContent.replace(/\u00a0/g, ' ').includes(needle),
        );
        const squiggles = [...editor.querySelectorAll('.squiggly-error')];
        if (squiggles.length === 0) return false;
        const lineBox = line.getBoundingClientRect();
        const onLine = squiggles.filter((s) => {
          const box = s.getBoundingClientRect();
          return box.width > 0 && box.top >= lineBox.top - 1 && box.bottom <= lineBox.bottom + 1;
        });
        return onLine.length > 0 ? { squiggles: squiggles.length, onLine: onLine.length } : false;
      },
      MERGE_LINE,
      { timeout: WAIT },
    );
    const found = await handle.jsonValue();
    log(`squiggles: ${JSON.stringify(found)}`);
    assert.equal(found.squiggles, found.onLine, 'every error squiggle is on the merge line');
    const text = await hoverAndRead(MERGE_LINE, 'Add', ['incompatible shapes', '(32,) and (16,)']);
    log(`hover on the error: ${text.replace(/\n+/g, ' | ')}`);
    await screenshot('vscode-error.png');
  });

  editorTest('the layer calls inside a subclassed model\'s call() get hints', 'subclass', async () => {
    await openFromExplorer('subclassed_model.py', SUB_CLASS_LINE);
    for (const [line, hint] of SUB_HINTS) {
      const text = await waitForLineContaining(line, hint);
      log(`inside call(): ${text}`);
      assert.ok(text.indexOf(hint) > text.indexOf(line), text);
    }
    const inFile = readFileSync(join(dirs.workspace, 'subclassed_model.py'), 'utf8');
    for (const [, hint] of SUB_HINTS) assert.ok(!inFile.includes(hint), `"${hint}" is an inlay hint, not text in the file`);
    // the README's picture: the whole class and the lines that call the model. The file is longer
    // than the editor is high: put the cursor in the editor, on the empty line below the imports (a
    // click far right, where no hover opens, and no word under the cursor to highlight elsewhere),
    // then scroll line by line (Ctrl+Down) until the class is the top line
    const editor = await page.locator('.part.editor').boundingBox();
    const { y, height } = await page.evaluate(() => {
      const line = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')]
        .find((l) => l.textContent.replace(/\u00a0/g, ' ').includes('from keras import layers'));
      const box = line.getBoundingClientRect();
      return { y: box.top + box.height / 2, height: box.height };
    });
    await page.mouse.click(editor.x + editor.width - 80, y + height);
    // the mouse off the editor (on the Explorer's empty space)
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(sidebar.x + sidebar.width / 2, sidebar.y + sidebar.height - 60);
    const place = () =>
      page.evaluate(([first, last]) => {
        const view = document.querySelector('.editor-instance .monaco-editor .overflow-guard')?.getBoundingClientRect();
        const box = (needle) => [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')]
          .find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(needle))?.getBoundingClientRect();
        const top = box(first);
        const end = box(last);
        return {
          below: top ? Math.round(top.top - view.top) : null,  // how far the class line is below the top
          fits: Boolean(end && end.bottom <= view.bottom),    // the model's lines are on screen
          hovers: [...document.querySelectorAll('.monaco-hover:not(.hidden)')].filter((h) => h.offsetParent).length,
        };
      }, [SUB_CLASS_LINE, SUB_LAST_LINE]);
    for (let step = 0; ; step++) {
      const { below } = await place();
      if (below !== null && below <= 1) break;
      if (step > 40) throw new Error(`could not scroll the class to the top: ${JSON.stringify(await place())}`);
      await page.keyboard.press('Control+ArrowDown');  // editor.action.scrollLineDown
      await page.waitForFunction(
        (before) => {
          const view = document.querySelector('.editor-instance .monaco-editor .overflow-guard')?.getBoundingClientRect();
          const line = [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')]
            .find((l) => l.textContent.replace(/\u00a0/g, ' ').includes('class SmallCNN'));
          return line && Math.round(line.getBoundingClientRect().top - view.top) !== before;
        },
        below,
        { timeout: WAIT },
      );
    }
    // no hover on screen (it closes when the mouse leaves the editor)
    await page.waitForFunction(
      () => ![...document.querySelectorAll('.monaco-hover:not(.hidden)')].some((h) => h.offsetParent),
      undefined,
      { timeout: WAIT },
    );
    const placed = await place();
    assert.ok(placed.fits, `the class and the lines below it fit in the editor: ${JSON.stringify(placed)}`);
    const [stem, hint] = SUB_HINTS[0];
    await waitForLineContaining(stem, hint);  // still there after the scroll
    const readme = join(artifacts, 'subclass-screenshot.png');
    await page.screenshot({ path: readme, clip: editor });
    log(`screenshot ${readme} (${statSync(readme).size} bytes)`);
    if (process.env.SHAPELENS_UPDATE_SCREENSHOT === '1') {
      copyFileSync(readme, join(repo, 'editors/vscode/subclass-screenshot.png'));
      log('updated editors/vscode/subclass-screenshot.png');
    }
  });

  editorTest('a Jupyter notebook gets hints and hovers in its Python cells, and an edit in one cell updates the next', 'notebook', async () => {
    // the extensions are registered once a Python file has its hints (on a fresh profile, a notebook
    // opened before the built-in ipynb extension's notebook type is registered opens as JSON text)
    await openFromExplorer('cats_vs_dogs.py', CONV_LINE);
    await waitForLineContaining(CONV_LINE, CONV_HINT);
    // a click in the Explorer opens the notebook editor (VS Code's built-in ipynb support, no Jupyter
    // extension), each cell's code in an editor of its own, not the file's JSON text
    await openFromExplorer('small_cnn.ipynb', NB_INPUT_LINE);
    await page.locator('.notebook-editor .cell-list-container').first().waitFor({ timeout: WAIT });
    const text = await waitForLineContaining(NB_CONV_LINE, NB_CONV_HINT);
    log(`notebook cell: ${text}`);
    assert.ok(text.indexOf(NB_CONV_HINT) > text.indexOf(NB_CONV_LINE), text);
    const dense = await waitForLineContaining(NB_DENSE_LINE, '(None, 10) ·');
    log(`notebook cell: ${dense}`);
    // the README's picture of a notebook: the editor part only, the Input's cell and the hints below it
    const editor = await page.locator('.part.editor').boundingBox();
    const readme = join(artifacts, 'notebook-screenshot.png');
    await page.screenshot({ path: readme, clip: editor });
    log(`screenshot ${readme} (${statSync(readme).size} bytes)`);
    if (process.env.SHAPELENS_UPDATE_SCREENSHOT === '1') {
      copyFileSync(readme, join(repo, 'editors/vscode/notebook-screenshot.png'));
      log('updated editors/vscode/notebook-screenshot.png');
    }
    const hover = await hoverAndRead(NB_CONV_LINE, 'Conv2D', ['Conv2D', '(None, 26, 26, 16)', '= 160']);
    log(`notebook hover: ${hover.replace(/\n+/g, ' | ')}`);
    await page.mouse.move(5, 5);
    // an edit in the Input's cell: the Conv2D's hint in the cell below follows
    const { x, y } = await wordCenter(NB_INPUT_LINE, '28');
    await page.mouse.dblclick(x, y);
    await page.keyboard.type('32');
    const edited = await waitForLineContaining(NB_CONV_LINE, NB_CONV_HINT_EDITED);
    log(`after the edit: ${edited}`);
    assert.ok(readFileSync(join(dirs.workspace, 'small_cnn.ipynb'), 'utf8').includes('28, 28, 1'), 'nothing was saved');
  });
});
