import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSpec } from "../../bench/lsp.js";
import { analyze, analyzeSweep, analyzeSyntax, type SweepDecl } from "../../src/compiler/index.js";

const root = join(import.meta.dirname, "..", "..");
const files = ["specs", "specs/examples", "test/golden/diagnostics"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith(".lth"))
    .map((name) => ({ name: join(dir, name), text: readFileSync(join(root, dir, name), "utf8") })),
);
const corpus = [...files, { name: "bench spec (200 lines)", text: generateSpec(200) }];

describe("one sweep checked on its own", () => {
  it.each(corpus)("$name: same expansion as the whole file's check; same points when the file is clean", ({ text }) => {
    const syntax = analyzeSyntax(text);
    const whole = analyze(text, "f", { syntax });
    for (const info of whole.sweeps) {
      const alone = analyzeSweep(syntax, info.node);
      expect(alone).not.toBeNull();
      const { node: _a, points: _p, ...expected } = info;
      const { node, points: _q, ...actual } = alone!.info;
      expect(node).toBe(info.node);
      expect(actual).toEqual(expected);
      if (whole.points.length > 0) {
        expect(alone!.points).toEqual(whole.points.filter((p) => p.sweep === info.name));
      }
      // Every diagnostic of the sweep on its own is one the whole file reports too.
      for (const d of alone!.diagnostics) expect(whole.diagnostics).toContainEqual(d);
    }
  });

  it("plans a sweep whose neighbour has errors, but not one that has its own", () => {
    const text =
      "let eps = 0.1\nsweep a: lenet(300, 100) under pgd(linf, eps, 2) at 50% reps 2\nsweep b: wrm(20, 1) at 50%\n";
    const syntax = analyzeSyntax(text);
    const [a, b] = syntax.ast.statements.filter((s): s is SweepDecl => s.kind === "Sweep");
    expect(analyze(text).points).toEqual([]);
    expect(analyzeSweep(syntax, a)?.points).toHaveLength(4);
    expect(analyzeSweep(syntax, b)?.points).toEqual([]);
    expect(analyzeSweep(syntax, b)?.diagnostics.map((d) => d.code)).toContain(analyze(text).diagnostics[0].code);
  });

  it("gives no points to a sweep with a syntax error inside, and null for a node of another file", () => {
    const text = "sweep a: lenet(300, 100) at [50%, 25%\nsweep b: lenet(300, 100) at 50%\n";
    const syntax = analyzeSyntax(text);
    const sweeps = syntax.ast.statements.filter((s): s is SweepDecl => s.kind === "Sweep");
    expect(sweeps.map((s) => s.name?.text)).toEqual(["a", "b"]);
    expect(analyzeSweep(syntax, sweeps[0])?.points).toEqual([]);
    // The parser reports a's missing `]` at b's first token; b itself is whole.
    expect(analyzeSweep(syntax, sweeps[1])?.points.length).toBeGreaterThan(0);
    const other = analyzeSyntax("sweep lenet(300, 100) at 50%").ast.statements[0] as SweepDecl;
    expect(analyzeSweep(syntax, other)).toBeNull();
  });
});
