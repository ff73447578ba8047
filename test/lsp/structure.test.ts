/** Document symbols, folding, semantic tokens, definition and references, end to end over stdio. */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DocumentSymbol,
  type FoldingRange,
  type Location,
  type SemanticTokens,
  SymbolKind,
} from "vscode-languageserver-protocol";
import { hoverText, type LspClient, parseMarkers, startServer } from "./harness.js";

const SPEC = `# shared settings
# for every sweep
let eps = 0.1
epochs 160

sweep main: wrn(20,k in [1,8]) under pgd(linf,<|>eps,n in [1,2,4,8]) prune global|random at w in 80%^[2..16] rewind 8 reps 2

sweep other: resnet(20) {
  under pgd(linf, eps, 2)
  # inside
  reps 4
}
`;

describe("lsp structure features", () => {
  let client: LspClient;
  let uri: string;
  const { text, positions } = parseMarkers(SPEC);
  beforeAll(async () => {
    ({ client } = await startServer());
    uri = await client.open(text);
  });
  afterAll(async () => {
    await client.shutdown();
  });

  it("lists sweeps (with their settings), settings and let names as document symbols", async () => {
    const symbols = (await client.connection.sendRequest("textDocument/documentSymbol", {
      textDocument: { uri },
    })) as DocumentSymbol[];
    expect(symbols.map((s) => [s.name, s.kind])).toEqual([
      ["eps", SymbolKind.Constant],
      ["epochs", SymbolKind.Property],
      ["main", SymbolKind.Class],
      ["other", SymbolKind.Class],
    ]);
    const main = symbols[2];
    expect(main.detail).toBe("wrn(20,k in [1,8])");
    expect(main.children?.map((c) => c.name)).toEqual(["under", "prune", "at", "rewind", "reps"]);
    expect(main.children?.[0].detail).toBe("pgd(linf,eps,n in [1,2,4,8])");
    expect(main.range.start).toEqual({ line: 5, character: 0 });
    expect(main.selectionRange).toEqual({ start: { line: 5, character: 6 }, end: { line: 5, character: 10 } });
  });

  it("folds blocks and runs of comment lines", async () => {
    const ranges = (await client.connection.sendRequest("textDocument/foldingRange", {
      textDocument: { uri },
    })) as FoldingRange[];
    expect(ranges).toContainEqual({ startLine: 0, endLine: 1, kind: "comment" });
    expect(ranges.some((r) => r.startLine === 7 && r.endLine === 11)).toBe(true);
    // A lone comment line inside the block is not a run.
    expect(ranges.some((r) => r.startLine === 9 && r.endLine === 9)).toBe(false);
  });

  it("answers well-formed semantic tokens covering keywords, calls, atoms, numbers and comments", async () => {
    const tokens = (await client.connection.sendRequest("textDocument/semanticTokens/full", {
      textDocument: { uri },
    })) as SemanticTokens;
    const { data } = tokens;
    expect(data.length).toBeGreaterThan(0);
    expect(data.length % 5).toBe(0);
    const decoded: { line: number; char: number; text: string; type: number }[] = [];
    let line = 0;
    let char = 0;
    const lines = text.split("\n");
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
      expect(data[i + 2]).toBeGreaterThan(0);
      decoded.push({ line, char, text: lines[line].slice(char, char + data[i + 2]), type: data[i + 3] });
    }
    // Positions strictly increase (the encoding's requirement).
    for (let i = 1; i < decoded.length; i++) {
      const [a, b] = [decoded[i - 1], decoded[i]];
      expect(b.line > a.line || (b.line === a.line && b.char > a.char)).toBe(true);
    }
    const texts = decoded.map((d) => d.text);
    for (const expected of [
      "# shared settings",
      "let",
      "sweep",
      "wrn",
      "pgd",
      "linf",
      "80%",
      "global",
      "under",
      "eps",
    ]) {
      expect(texts).toContain(expected);
    }
    const legend = ["keyword", "function", "enumMember", "number", "parameter", "variable", "comment", "operator"];
    const typeOf = (t: string) => legend[decoded.find((d) => d.text === t)!.type];
    expect(typeOf("sweep")).toBe("keyword");
    expect(typeOf("pgd")).toBe("function");
    expect(typeOf("linf")).toBe("enumMember");
    expect(typeOf("80%")).toBe("number");
    expect(typeOf("k")).toBe("parameter");
    expect(typeOf("# shared settings")).toBe("comment");
  });

  it("goes from a use of a let name to its definition", async () => {
    const location = (await client.connection.sendRequest("textDocument/definition", {
      textDocument: { uri },
      position: positions[0],
    })) as Location;
    expect(location.uri).toBe(uri);
    expect(location.range).toEqual({ start: { line: 2, character: 4 }, end: { line: 2, character: 7 } });
  });

  it("finds every reference of a let name, with or without its declaration", async () => {
    const request = (includeDeclaration: boolean) =>
      client.connection.sendRequest("textDocument/references", {
        textDocument: { uri },
        position: { line: 2, character: 5 },
        context: { includeDeclaration },
      }) as Promise<Location[]>;
    const uses = await request(false);
    expect(uses.map((l) => l.range.start)).toEqual([positions[0], { line: 8, character: 18 }]);
    expect((await request(true)).length).toBe(3);
  });

  it("treats a name swept twice in one sweep as one parameter (definition and reference)", async () => {
    const twice =
      "sweep wrn(20, k in [1, 8]) { test [pgd(linf, 0.1, 2)] }\nsweep b: lenet(k in [100, 300], 100) lr k in [1, 2]\n";
    const other = await client.open(twice);
    const at = { line: 1, character: twice.split("\n")[1].lastIndexOf("k in") };
    const location = (await client.connection.sendRequest("textDocument/definition", {
      textDocument: { uri: other },
      position: at,
    })) as Location;
    expect(location.range.start).toEqual({ line: 1, character: 15 });
    const references = (await client.connection.sendRequest("textDocument/references", {
      textDocument: { uri: other },
      position: { line: 1, character: 15 },
      context: { includeDeclaration: false },
    })) as Location[];
    expect(references.map((r) => r.range.start)).toEqual([at]);
    // The first sweep's `k` is another parameter.
    const first = (await client.connection.sendRequest("textDocument/references", {
      textDocument: { uri: other },
      position: { line: 0, character: 14 },
      context: { includeDeclaration: true },
    })) as Location[];
    expect(first.map((r) => r.range.start)).toEqual([{ line: 0, character: 14 }]);
  });

  it("hovers a let name (definition and use) with its value and use count", async () => {
    const atUse = hoverText(await client.hover(uri, positions[0]));
    expect(atUse).toContain("let eps = 0.1");
    expect(atUse).toContain("used 2 times");
    expect(hoverText(await client.hover(uri, { line: 2, character: 5 }))).toContain("let eps = 0.1");
  });

  it("hovers settings inside a block with their documentation and default", async () => {
    const reps = hoverText(await client.hover(uri, { line: 10, character: 3 }));
    expect(reps).toContain("Replicates");
    expect(reps).toContain("Default: `1`");
  });

  it("answers empty results for an unknown document instead of failing", async () => {
    const textDocument = { uri: "file:///never-opened.lth" };
    expect(await client.connection.sendRequest("textDocument/documentSymbol", { textDocument })).toEqual([]);
    expect(await client.connection.sendRequest("textDocument/foldingRange", { textDocument })).toEqual([]);
    expect(
      await client.connection.sendRequest("textDocument/definition", {
        textDocument,
        position: { line: 0, character: 0 },
      }),
    ).toBeNull();
  });
});
