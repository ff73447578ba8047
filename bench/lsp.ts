/**
 * LSP latency benchmark: completion and hover round trips over stdio against
 * `lthc lsp` on a generated 1,000-line spec, as an editor sees them.
 * `npm run bench -- lsp [--requests=N] [--edits=N] [--lines=N] [--json]`, or `node dist/bench/lsp.js`.
 * Target: p99 under 20 ms (docs/performance-lsp.md).
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type Position,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node.js";

const BIN = fileURLToPath(new URL("../../bin/lthc.js", import.meta.url));
const URI = "file:///bench/generated.lth";

function option(args: string[], name: string, fallback: number): number {
  const raw = args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = Number(raw ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** A realistic spec of about `lines` lines: shared settings, lets, named sweeps with blocks, comments. */
export function generateSpec(lines: number): string {
  const out = [
    "# generated for the LSP benchmark",
    "data cifar10",
    "epochs 160",
    "batch 128",
    "milestones [80, 120]",
    "",
  ];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `# sweep ${i}: WRN-20 under PGD, global magnitude vs random pruning`,
      `let eps${i} = ${(i % 8) + 1}/255`,
      `sweep s${i}: wrn(20, k in [1, ${(i % 4) + 2}]) {`,
      `  under pgd(linf, eps${i}, n in [1, 2, 4])`,
      "  prune global|random",
      `  at w in 80%^[2..${6 + (i % 10)}]`,
      `  rewind ${(i % 8) + 1}`,
      "  reps 2",
      "}",
      "",
    );
  }
  return out.slice(0, lines).join("\n");
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function positionIn(text: string, random: () => number): Position {
  const lines = text.split("\n");
  const line = Math.floor(random() * lines.length);
  return { line, character: Math.floor(random() * (lines[line].length + 1)) };
}

export interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    p50: round(q(0.5)),
    p90: round(q(0.9)),
    p99: round(q(0.99)),
    max: round(sorted[sorted.length - 1]),
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function start(): Promise<{ connection: ProtocolConnection; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: null,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const stop = async () => {
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.on("exit", () => resolve())));
    connection.dispose();
  };
  return { connection, stop };
}

export async function main(args: string[]): Promise<void> {
  const requests = option(args, "requests", 500);
  const edits = option(args, "edits", 100);
  const lines = option(args, "lines", 1000);
  const text = generateSpec(lines);
  const random = seeded(42);
  const { connection, stop } = await start();
  const firstDiagnostics = new Promise<number>((resolve) => {
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => resolve(p.diagnostics.length));
  });
  const openMs = await timed(async () => {
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: URI, languageId: "lth", version: 1, text },
    });
    await firstDiagnostics;
  });
  const textDocument = { uri: URI };
  const completion: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < requests; i++) {
    const position = positionIn(text, random);
    completion.push(await timed(() => connection.sendRequest(CompletionRequest.type, { textDocument, position })));
    hover.push(await timed(() => connection.sendRequest(HoverRequest.type, { textDocument, position })));
  }
  // Typing: each edit invalidates the analysis, so the next request pays for re-analysing the file.
  const afterEdit: number[] = [];
  const hoverAfterEdit: number[] = [];
  let version = 1;
  let current = text;
  for (let i = 0; i < edits; i++) {
    const position = positionIn(current, random);
    const lineStart = current.split("\n").slice(0, position.line).join("\n").length + (position.line > 0 ? 1 : 0);
    const offset = lineStart + position.character;
    current = `${current.slice(0, offset)} ${current.slice(offset)}`;
    version++;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version },
      contentChanges: [{ range: { start: position, end: position }, text: " " }],
    });
    afterEdit.push(await timed(() => connection.sendRequest(CompletionRequest.type, { textDocument, position })));
    // Every tenth edit, a hover right away: it needs the new text parsed (not checked or expanded).
    if (i % 10 === 9) {
      hoverAfterEdit.push(await timed(() => connection.sendRequest(HoverRequest.type, { textDocument, position })));
    }
  }
  await stop();
  const result = {
    lines: text.split("\n").length,
    openToDiagnosticsMs: Math.round(openMs),
    completion: stats(completion),
    hover: stats(hover),
    completionAfterEdit: stats(afterEdit),
    hoverAfterEdit: stats(hoverAfterEdit),
  };
  if (args.includes("--json")) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(`lsp: ${result.lines}-line spec; open → first diagnostics ${result.openToDiagnosticsMs} ms\n`);
  process.stdout.write("request                      n     p50 ms   p90 ms   p99 ms   max ms\n");
  for (const [name, s] of [
    ["completion", result.completion],
    ["hover", result.hover],
    ["completion after an edit", result.completionAfterEdit],
    ["hover after an edit", result.hoverAfterEdit],
  ] as const) {
    const row = [s.p50, s.p90, s.p99, s.max].map((x) => x.toFixed(2).padStart(8)).join(" ");
    process.stdout.write(`${name.padEnd(26)} ${String(s.n).padStart(4)} ${row}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
