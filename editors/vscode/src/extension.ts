// ShapeLens for VS Code: starts the ShapeLens language server (stdio) for Python files and lets
// vscode-languageclient do the rest (inlay hints, hover, diagnostics, settings). The server is the
// one bundled in the extension (`shapelens.importStrategy`: useBundled, the default) or the one
// installed in the interpreter (fromEnvironment), run with the Python selected in the Python
// extension, else shapelens.interpreter, else python3.

import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

import {
  Interpreter,
  chooseInterpreter,
  importStrategy,
  initializationOptions,
  installCommand,
  probeInterpreter,
  problemMessage,
  safeEnvironment,
  serverCommand,
  serverSettings,
  serverSource,
} from './config';

const SECTION = 'shapelens';
const PYTHON_EXTENSION_ID = 'ms-python.python';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let extensionPath = '';
let starting: Promise<void> | undefined;

/** Minimal shape of the parts of the Python extension's API used here. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
    onDidChangeExecutionDetails?: vscode.Event<unknown>;
  };
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch (error) {
    output.warn(`Python extension did not activate: ${String(error)}`);
    return undefined;
  }
}

function workspaceResource(): vscode.Uri | undefined {
  return vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** The Python extension's interpreter for the workspace, as an execution command. */
async function pythonExtensionCommand(api: PythonExtensionApi | undefined): Promise<string[] | undefined> {
  if (!api) {
    return undefined;
  }
  const resource = workspaceResource();
  try {
    if (api.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      if (active) {
        const environment = await api.environments.resolveEnvironment(active);
        const path = environment?.executable.uri?.fsPath;
        if (path) {
          return [path];
        }
      }
    }
    const details = api.settings?.getExecutionDetails?.(resource);
    if (details?.execCommand && details.execCommand.length > 0) {
      return details.execCommand;
    }
  } catch (error) {
    output.warn(`Could not read the Python extension's interpreter: ${String(error)}`);
  }
  return undefined;
}

async function resolveInterpreter(): Promise<Interpreter> {
  const api = await pythonExtensionApi();
  const fromExtension = await pythonExtensionCommand(api);
  const setting = vscode.workspace.getConfiguration(SECTION).get<string>('interpreter');
  return chooseInterpreter(fromExtension, setting);
}

function currentSettings() {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  return serverSettings((key) => configuration.get(key));
}

async function startServer(): Promise<void> {
  const interpreter = await resolveInterpreter();
  const strategy = importStrategy(vscode.workspace.getConfiguration(SECTION).get('importStrategy'));
  const source = serverSource(strategy, extensionPath);
  const { command, args } = serverCommand(interpreter, source);
  output.info(`Interpreter (${interpreter.source}): ${[interpreter.command, ...interpreter.args].join(' ')}`);
  output.info(`Import strategy: ${strategy}`);

  const probe = await probeInterpreter(interpreter, source);
  if (!probe.ok) {
    const message = problemMessage(interpreter, source, probe);
    output.error(message);
    const copy = 'Copy Install Command';
    const settings = 'Open Settings';
    const fixable = probe.problem === 'not-importable' && strategy === 'fromEnvironment';
    const setting = fixable ? `${SECTION}.importStrategy` : `${SECTION}.interpreter`;
    const buttons = fixable ? [copy, settings] : [settings];
    void vscode.window.showErrorMessage(message, ...buttons).then(async (choice) => {
      if (choice === copy) {
        await vscode.env.clipboard.writeText(installCommand(interpreter));
      } else if (choice === settings) {
        await vscode.commands.executeCommand('workbench.action.openSettings', setting);
      }
    });
    return;
  }
  const from = strategy === 'useBundled' ? 'bundled with the extension' : 'installed in the interpreter';
  output.info(`shapelens ${probe.version} (${from}, ${probe.location}) on Python ${probe.python}`);
  output.info(`Starting ${[command, ...args].join(' ')}`);

  // No `transport`: stdio without the `--stdio` argument that TransportKind.stdio would append.
  const serverOptions: ServerOptions = { command, args, options: { env: safeEnvironment() } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      // Python cells of Jupyter notebooks: synchronised with notebookDocument/* (the server
      // announces notebookDocumentSync), hints, hovers and diagnostics on the cells
      { notebook: 'jupyter-notebook', language: 'python' },
    ],
    initializationOptions: initializationOptions(currentSettings()),
    // no `synchronize.configurationSection`: changes are sent by onDidChangeConfiguration below,
    // which restarts instead when the interpreter changed (no notification to a stopping server)
    outputChannel: output,
    traceOutputChannel: output,
  };
  client = new LanguageClient(SECTION, 'ShapeLens', serverOptions, clientOptions);
  try {
    await client.start();
    output.info('ShapeLens server started');
  } catch (error) {
    output.error(`ShapeLens server failed to start: ${String(error)}`);
    void vscode.window.showErrorMessage(`ShapeLens server failed to start: ${String(error)}. See the ShapeLens output.`);
  }
}

/** Tells the running server that settings changed (it answers by asking workspace/configuration). */
async function notifySettings(): Promise<void> {
  await starting?.catch(() => undefined);
  const running = client;
  if (!running || !running.isRunning()) {
    return;
  }
  try {
    await running.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SECTION]: currentSettings() },
    });
  } catch (error) {
    output.warn(`Sending the new settings: ${String(error)}`);
  }
}

async function stopServer(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      output.warn(`Stopping the server: ${String(error)}`);
    }
  }
}

/** Stops the running server (if any) and starts a new one; calls made while one runs wait for it. */
function restartServer(): Promise<void> {
  const previous = (starting ?? Promise.resolve()).catch(() => undefined);
  starting = previous.then(async () => {
    try {
      await stopServer();
      await startServer();
    } catch (error) {
      output.error(`Starting the server: ${String(error)}`);
    }
  });
  return starting;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('ShapeLens', { log: true });
  extensionPath = context.extensionPath;
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('shapelens.restartServer', async () => {
      output.info('Restart requested');
      await restartServer();
    }),
    vscode.commands.registerCommand('shapelens.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration(`${SECTION}.interpreter`) || event.affectsConfiguration(`${SECTION}.importStrategy`)) {
        output.info('shapelens.interpreter or shapelens.importStrategy changed: restarting');
        await restartServer();
      } else if (event.affectsConfiguration(SECTION)) {
        await notifySettings();
      }
    }),
  );

  const api = await pythonExtensionApi();
  const onEnvironment = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
  if (onEnvironment) {
    context.subscriptions.push(
      onEnvironment(async () => {
        output.info('Python interpreter changed: restarting');
        await restartServer();
      }),
    );
  }

  await restartServer();
}

export async function deactivate(): Promise<void> {
  await stopServer();
}
