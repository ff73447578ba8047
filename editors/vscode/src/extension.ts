import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** `lthc.path` may name the lthc command, or a `.js` entry point (e.g. a checkout's bin/lthc.js) run with node. */
export function serverOptions(lthcPath: string): ServerOptions {
  const isScript = /\.[cm]?js$/.test(lthcPath);
  // TransportKind.stdio makes the client append `--stdio`, which `lthc lsp` accepts.
  const executable = isScript
    ? { command: "node", args: [lthcPath, "lsp"], transport: TransportKind.stdio }
    : {
        command: lthcPath,
        args: ["lsp"],
        transport: TransportKind.stdio,
        options: { shell: process.platform === "win32" },
      };
  return { run: executable, debug: executable };
}

async function start(): Promise<void> {
  const lthcPath = vscode.workspace.getConfiguration("lthc").get<string>("path", "lthc");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "lth" },
      { scheme: "untitled", language: "lth" },
    ],
    outputChannelName: "lthc",
  };
  client = new LanguageClient("lthc", "lthc language server", serverOptions(lthcPath), clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("lthc.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("lthc.path")) {
        await stop();
        await start();
      }
    }),
  );
  try {
    await start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `lthc: could not start the language server (${message}). Set "lthc.path" to the lthc command or to bin/lthc.js.`,
    );
  }
}

export function deactivate(): Promise<void> {
  return stop();
}
