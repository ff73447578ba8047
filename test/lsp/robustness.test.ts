/**
 * A seeded stream of random edits and requests against one document: the server
 * must answer every request (with a well-formed, possibly empty, result) and stay alive.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Position } from "vscode-languageserver-protocol";
import { intBelow, pick, seededRandom } from "../helpers/random.js";
import { type LspClient, offsetAt, positionAt, repoRoot, startServer } from "./harness.js";

const VERBATIM =
  "sweep wrn(20,k in [1,8]) under pgd(linf,0.1,n in [1,2,4,8]) prune global|random at w in 80%^[2..16] rewind 8 reps 2";

function corpus(): string {
  const dir = join(repoRoot, "specs");
  let texts: string[] = [];
  try {
    texts = readdirSync(dir)
      .filter((name) => name.endsWith(".lth"))
      .map((name) => readFileSync(join(dir, name), "utf8"));
  } catch {
    // No specs yet: the verbatim line alone is a fine seed.
  }
  return [VERBATIM, ...texts].join("\n\n");
}

/** Fragments that stress the parser: pieces of real syntax, brackets, unicode, junk. */
function fragments(seed: string): string[] {
  const words = seed.split(/(\s+|[()[\],|^%])/).filter((w) => w.length > 0);
  return [
    ...words,
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "..",
    "^",
    "%",
    "|",
    ",",
    "\n",
    "# note\n",
    "é",
    "ε",
    "🙂",
    "\t",
    '"',
    "-1",
    "1e309",
    "0x",
    "in",
    "=",
  ];
}

const REQUESTS = [
  "textDocument/completion",
  "textDocument/hover",
  "textDocument/formatting",
  "textDocument/documentSymbol",
  "textDocument/semanticTokens/full",
  "textDocument/foldingRange",
  "textDocument/inlayHint",
  "textDocument/codeAction",
  "textDocument/definition",
  "textDocument/references",
] as const;

function randomPosition(random: () => number, text: string): Position {
  if (random() < 0.1) return { line: intBelow(random, 5000), character: intBelow(random, 5000) };
  return positionAt(text, intBelow(random, text.length + 1));
}

function paramsFor(method: (typeof REQUESTS)[number], uri: string, position: Position, end: Position): object {
  const textDocument = { uri };
  switch (method) {
    case "textDocument/formatting":
      return { textDocument, options: { tabSize: 2, insertSpaces: true } };
    case "textDocument/documentSymbol":
    case "textDocument/semanticTokens/full":
    case "textDocument/foldingRange":
      return { textDocument };
    case "textDocument/inlayHint":
      return { textDocument, range: { start: position, end } };
    case "textDocument/codeAction":
      return { textDocument, range: { start: position, end }, context: { diagnostics: [] } };
    case "textDocument/references":
      return { textDocument, position, context: { includeDeclaration: true } };
    default:
      return { textDocument, position };
  }
}

describe("lsp robustness", () => {
  let client: LspClient;
  beforeAll(async () => {
    ({ client } = await startServer());
  });
  afterAll(async () => {
    await client.shutdown();
  });

  it("answers every request of a seeded stream of 2,000 random edits and requests", async () => {
    const random = seededRandom(20261124);
    let text = corpus();
    const pieces = fragments(text);
    const uri = await client.open(text);
    let answered = 0;
    for (let step = 0; step < 2000; step++) {
      if (random() < 0.4) {
        const a = intBelow(random, text.length + 1);
        const b = Math.min(text.length, a + (random() < 0.5 ? 0 : intBelow(random, 12)));
        const insert = random() < 0.7 ? pick(random, pieces) : "";
        await client.edit(uri, { start: positionAt(text, a), end: positionAt(text, b) }, insert);
        text = text.slice(0, a) + insert + text.slice(b);
        if (text.length > 20_000) {
          text = corpus();
          await client.change(uri, text);
        }
        continue;
      }
      const method = pick(random, REQUESTS);
      const position = randomPosition(random, text);
      const end = randomPosition(random, text);
      const result: unknown = await client.connection.sendRequest(method, paramsFor(method, uri, position, end));
      expect(result === null || typeof result === "object").toBe(true);
      answered++;
    }
    expect(answered).toBeGreaterThan(1000);
    // Guarded handlers answer even when they fail; a failure is still a bug, so none may have happened.
    expect(client.logs.filter((message) => message.includes("failed"))).toEqual([]);
    expect(client.alive).toBe(true);
    // The document the server holds is the one we edited: its formatting request still answers.
    const final = await client.connection.sendRequest("textDocument/foldingRange", { textDocument: { uri } });
    expect(Array.isArray(final)).toBe(true);
    expect(offsetAt(text, positionAt(text, text.length))).toBe(text.length);
  });

  it("survives malformed requests, unknown documents, close/reopen and notifications out of order", async () => {
    const uri = "file:///robust/closing.lth";
    // A change and a close for a document that was never opened.
    await client.edit(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, "x");
    await client.close(uri);
    for (let round = 0; round < 5; round++) {
      await client.open(`sweep wrn(20,1) under pgd(linf, 0.1, ${round})`, uri);
      await client.close(uri);
    }
    const malformed: [string, unknown][] = [
      ["textDocument/completion", {}],
      ["textDocument/hover", { textDocument: { uri }, position: { line: -1, character: -5 } }],
      ["textDocument/hover", { textDocument: { uri }, position: { line: 1.5, character: Number.NaN } }],
      ["textDocument/inlayHint", { textDocument: { uri } }],
      ["textDocument/codeAction", { textDocument: { uri }, range: null, context: null }],
      ["textDocument/references", { textDocument: { uri }, position: { line: 0, character: 0 } }],
      ["textDocument/formatting", { textDocument: {} }],
      ["textDocument/semanticTokens/full", null],
    ];
    const reopened = await client.open("sweep wrn(20,1)\n", uri);
    for (const [method, params] of malformed) {
      const answer: unknown = await client.connection.sendRequest(method, params).catch((error: Error) => error);
      // A JSON-RPC error answer is acceptable for a request that is not even well-formed; silence or a crash is not.
      expect(answer === null || typeof answer === "object").toBe(true);
    }
    expect(client.alive).toBe(true);
    const symbols = await client.connection.sendRequest("textDocument/documentSymbol", {
      textDocument: { uri: reopened },
    });
    expect(Array.isArray(symbols)).toBe(true);
  });

  it("stays responsive on a large document of junk", async () => {
    const random = seededRandom(7);
    const pieces = fragments(VERBATIM);
    let junk = "";
    while (junk.length < 60_000) junk += pick(random, pieces) + (random() < 0.3 ? " " : "");
    const uri = await client.open(junk);
    const diagnostics = await client.diagnostics(uri, 30_000);
    expect(diagnostics.length).toBeGreaterThan(0);
    const hover = await client.hover(uri, positionAt(junk, junk.length >> 1));
    expect(hover === null || typeof hover === "object").toBe(true);
    expect(client.alive).toBe(true);
  });
});
