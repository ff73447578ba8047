import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, analyzeSyntax } from "../../src/compiler/index.js";

const root = join(import.meta.dirname, "..", "..");
const corpus = [
  ...["specs", "specs/examples", "test/golden/diagnostics"].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith(".lth"))
      .map((name) => join(dir, name)),
  ),
];

describe("analyze with a reused syntax analysis", () => {
  it("has a corpus", () => {
    expect(corpus.length).toBeGreaterThan(10);
  });

  it.each(corpus)("%s: same diagnostics, points, sweeps and tokens as a plain analyze", (path) => {
    const text = readFileSync(join(root, path), "utf8");
    const syntax = analyzeSyntax(text);
    const reused = analyze(text, path, { syntax });
    const plain = analyze(text, path);
    expect(reused.diagnostics).toEqual(plain.diagnostics);
    expect(reused.points).toEqual(plain.points);
    expect(reused.tokens).toEqual(plain.tokens);
    expect(reused.sweeps.map(({ node: _, ...rest }) => rest)).toEqual(plain.sweeps.map(({ node: _, ...rest }) => rest));
    // The sweeps are the syntax analysis's own AST nodes, so an editor can look them up by identity.
    expect(reused.ast).toBe(syntax.ast);
    for (const info of reused.sweeps) expect(syntax.ast.statements).toContain(info.node);
  });

  it("ignores a syntax analysis of another text", () => {
    const other = analyzeSyntax("sweep wrn(20, 1) prune global at 50%");
    const text = "sweep resnet(20) prune global at 50%";
    const reused = analyze(text, "t", { syntax: other });
    expect(reused.ast).not.toBe(other.ast);
    expect(reused.diagnostics).toEqual(analyze(text, "t").diagnostics);
    expect(reused.points.length).toBeGreaterThan(0);
  });
});
