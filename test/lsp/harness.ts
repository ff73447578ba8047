/**
 * A real LSP client for the tests: spawns `node bin/lthc.js lsp --stdio` and talks
 * JSON-RPC over its stdio, like an editor does. Cursor markers (`<|>`) in test
 * documents give positions, in the style of Langium's expectCompletion helpers.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import {
  type CompletionItem,
  CompletionRequest,
  createProtocolConnection,
  type Diagnostic,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  type Hover,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  LogMessageNotification,
  type Position,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ShutdownRequest,
} from "vscode-languageserver-protocol/node.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CURSOR = "<|>";

/** Removes every `<|>` marker; returns the clean text and the markers' offsets and positions. */
export function parseMarkers(marked: string): { text: string; offsets: number[]; positions: Position[] } {
  const offsets: number[] = [];
  let text = "";
  let rest = marked;
  for (let at = rest.indexOf(CURSOR); at >= 0; at = rest.indexOf(CURSOR)) {
    text += rest.slice(0, at);
    offsets.push(text.length);
    rest = rest.slice(at + CURSOR.length);
  }
  text += rest;
  return { text, offsets, positions: offsets.map((offset) => positionAt(text, offset)) };
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

export function offsetAt(text: string, position: Position): number {
  const lines = text.split("\n");
  let offset = 0;
  for (let i = 0; i < position.line && i < lines.length; i++) offset += lines[i].length + 1;
  return Math.min(offset + position.character, text.length);
}

type DiagnosticsWaiter = { uri: string; version: number; resolve: (d: Diagnostic[]) => void };

export class LspClient {
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly versions = new Map<string, number>();
  private readonly waiters: DiagnosticsWaiter[] = [];
  private counter = 0;
  stderr = "";
  /** window/logMessage texts: the server logs a handler's failure there (and answers with a fallback). */
  readonly logs: string[] = [];
  exited: number | null = null;

  constructor(
    readonly connection: ProtocolConnection,
    readonly child: ChildProcess,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => this.onDiagnostics(params));
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    child.on("exit", (code) => {
      this.exited = code ?? -1;
    });
  }

  get alive(): boolean {
    return this.exited === null;
  }

  private onDiagnostics(params: PublishDiagnosticsParams): void {
    const list = this.published.get(params.uri) ?? [];
    list.push(params);
    this.published.set(params.uri, list);
    for (const waiter of [...this.waiters]) {
      const matches = waiter.uri === params.uri && (params.version === undefined || params.version >= waiter.version);
      if (!matches) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(params.diagnostics);
    }
  }

  /** Opens a document (a fresh uri unless given) and returns its uri. */
  async open(text: string, uri = `file:///test/doc${++this.counter}.lth`): Promise<string> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "lth", version: 1, text },
    });
    return uri;
  }

  /** Replaces the whole text (full sync, as the server asks for incremental changes it also accepts). */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /** Applies one ranged (incremental) edit. */
  async edit(uri: string, range: { start: Position; end: Position }, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** Resolves with the diagnostics published for the document's current version (or later). */
  diagnostics(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const version = this.version(uri);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version}`)), timeoutMs);
      this.waiters.push({
        uri,
        version,
        resolve: (diagnostics) => {
          clearTimeout(timer);
          resolve(diagnostics);
        },
      });
    });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    if (!result) return [];
    return Array.isArray(result) ? result : result.items;
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async shutdown(): Promise<void> {
    if (this.alive) {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      await new Promise<void>((resolve) => {
        if (!this.alive) resolve();
        else this.child.on("exit", () => resolve());
      });
    }
    this.connection.dispose();
  }
}

export interface Started {
  client: LspClient;
  capabilities: InitializeResult;
}

/** Spawns the server the way editors do and completes the initialize handshake. */
export async function startServer(args: string[] = ["--stdio"]): Promise<Started> {
  const child = spawn(process.execPath, [join(root, "bin", "lthc.js"), "lsp", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  connection.listen();
  const client = new LspClient(connection, child);
  const capabilities = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      textDocument: {
        hover: { contentFormat: ["markdown", "plaintext"] },
        completion: { completionItem: { documentationFormat: ["markdown", "plaintext"], snippetSupport: true } },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
      },
    },
    workspaceFolders: null,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return { client, capabilities };
}

/** Text of a hover, whatever shape the server chose. */
export function hoverText(hover: Hover | null): string {
  if (!hover) return "";
  const contents = hover.contents;
  if (typeof contents === "string") return contents;
  if (Array.isArray(contents)) return contents.map((c) => (typeof c === "string" ? c : c.value)).join("\n");
  return contents.value;
}

/** Langium-style: the completion labels at the `<|>` marker of `marked` include `expected`. */
export async function expectCompletion(
  client: LspClient,
  marked: string,
  check: { includes?: string[]; excludes?: string[]; first?: string[] },
): Promise<CompletionItem[]> {
  const { text, positions } = parseMarkers(marked);
  const uri = await client.open(text);
  const items = await client.completion(uri, positions[0]);
  const labels = items.map((item) => item.label);
  for (const label of check.includes ?? []) {
    if (!labels.includes(label)) throw new Error(`completion lacks "${label}"; got: ${labels.join(", ")}`);
  }
  for (const label of check.excludes ?? []) {
    if (labels.includes(label)) throw new Error(`completion unexpectedly offers "${label}"`);
  }
  if (check.first) {
    const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
    const top = sorted.slice(0, check.first.length).map((item) => item.label);
    for (const label of check.first) {
      if (!top.includes(label)) throw new Error(`"${label}" is not among the first items; first: ${top.join(", ")}`);
    }
  }
  await client.close(uri);
  return items;
}

export { root as repoRoot };
