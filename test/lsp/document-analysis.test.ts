/** The document analysis a keystroke builds: its shortcuts must not change what features see. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { generateSpec } from "../../bench/lsp.js";
import { analyze } from "../../src/compiler/index.js";
import { BackgroundChecker } from "../../src/lsp/checker-thread.js";
import { analyzeDocument, lexDocumentText, lexText } from "../../src/lsp/language.js";

const root = join(import.meta.dirname, "..", "..");
const corpus = ["specs", "specs/examples", "test/golden/diagnostics"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith(".lth"))
    .map((name) => readFileSync(join(root, dir, name), "utf8")),
);

describe("document analysis", () => {
  it("has the same tokens whether completion's lexer or the parse provided them", () => {
    for (const text of [...corpus, generateSpec(200)]) {
      const document = TextDocument.create("file:///t.lth", "lth", 1, text);
      expect(analyzeDocument(document).tokens).toEqual(lexText(text));
      // Parsing completion's lexing of the same version gives the same tree.
      expect(analyzeDocument(document, undefined, lexDocumentText(text)).ast).toEqual(analyzeDocument(document).ast);
    }
  });

  it("after an edit, reusing the previous version's parse, equals a fresh analysis", () => {
    const text = generateSpec(200);
    const before = analyzeDocument(TextDocument.create("file:///t.lth", "lth", 1, text));
    const at = text.indexOf("rewind");
    const edited = `${text.slice(0, at)}rewind 3\n  ${text.slice(at)}`;
    const document = TextDocument.create("file:///t.lth", "lth", 2, edited);
    const reused = analyzeDocument(document, before);
    const fresh = analyzeDocument(document);
    expect(reused.ast).toEqual(fresh.ast);
    expect(reused.definitions).toEqual(fresh.definitions);
    expect(reused.diagnostics).toEqual(fresh.diagnostics);
    expect(reused.diagnostics.map((d) => d.code)).toContain("E015");
  });
});

describe("the checking thread", () => {
  it("checks on this thread when there is no compiled worker to start, with the CLI's diagnostics", async () => {
    const logged: string[] = [];
    const checker = new BackgroundChecker((m) => logged.push(m));
    const text = "sweep wrm(20, 1) at 50%\n";
    expect(await checker.check("file:///t.lth", text)).toEqual(analyze(text, "file:///t.lth").diagnostics);
    checker.dispose();
    expect(logged).toEqual([]);
  });
});
