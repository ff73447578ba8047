import { describe, expect, it } from "vitest";
import { analyze, children, type Node, nodeAt, walk } from "../../src/compiler/index.js";

describe("lexer", () => {
  it("reads numbers with units, hyphenated names and keywords", () => {
    const a = analyze("data fashion-mnist\nsweep resnet(20) rewind 500it at 80%^[2..16] # note", "t.lth");
    const kinds = a.tokens.map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toContain("setting:data");
    expect(kinds).toContain("name:fashion-mnist");
    expect(kinds).toContain("number:500it");
    expect(kinds).toContain("number:80%");
    expect(kinds).toContain("operator:..");
    expect(kinds).toContain("number:2");
    expect(kinds).toContain("comment:# note");
    expect(kinds).toContain("keyword:sweep");
  });

  it("reports an unexpected character with its position", () => {
    const a = analyze("epochs 160 $\n", "t.lth");
    expect(a.diagnostics[0]).toMatchObject({ code: "E001", range: { start: { line: 1, column: 12 } } });
  });
});

describe("parser", () => {
  it("builds an AST with ranges for the verbatim line", () => {
    const text =
      "sweep wrn(20,k in [1,8]) under pgd(linf,0.1,n in [1,2,4,8]) prune global|random at w in 80%^[2..16] rewind 8 reps 2";
    const a = analyze(text, "t.lth");
    const sweep = a.ast.statements[0];
    expect(sweep.kind).toBe("Sweep");
    if (sweep.kind !== "Sweep") return;
    expect(sweep.model?.kind).toBe("Call");
    expect(sweep.settings.map((s) => s.key.text)).toEqual(["under", "prune", "at", "rewind", "reps"]);
    const at = sweep.settings[2];
    expect(text.slice(at.value.range.start.offset, at.value.range.end.offset)).toBe("w in 80%^[2..16]");
    expect(at.value.kind).toBe("Swept");
    // Every node's range lies within its parent's.
    walk(a.ast, (node: Node, parent: Node | null) => {
      if (!parent) return;
      expect(node.range.start.offset).toBeGreaterThanOrEqual(parent.range.start.offset);
      expect(node.range.end.offset).toBeLessThanOrEqual(parent.range.end.offset);
    });
  });

  it("finds the innermost node at an offset", () => {
    const text = "sweep resnet(20) under pgd(linf, 0.1, 2)";
    const a = analyze(text, "t.lth");
    const path = nodeAt(a.ast, text.indexOf("linf") + 1);
    expect(path.at(-1)).toMatchObject({ kind: "Ref", name: "linf" });
    expect(children(path[0]).length).toBe(1);
  });

  it("parses named sweeps, blocks, lets and comments", () => {
    const a = analyze(
      "let eps = 0.1 # radius\nsweep a: lenet(300, 100) { under pgd(linf, eps, 2) }\nsweep b: resnet(20)\n",
      "t.lth",
    );
    expect(a.ast.statements.map((s) => s.kind)).toEqual(["Let", "Sweep", "Sweep"]);
    expect(a.diagnostics).toEqual([]);
    expect(a.sweeps.map((s) => s.name)).toEqual(["a", "b"]);
  });

  it("recovers: reports every syntax error in one pass", () => {
    const text = "sweep resnet(20 under pgd(linf,, 2)\nepochs\nsweep b: lenet(300) at ]\n";
    const a = analyze(text, "t.lth");
    const syntax = a.diagnostics.filter((d) => d.code === "E002");
    expect(syntax.length).toBeGreaterThanOrEqual(3);
    expect(new Set(syntax.map((d) => d.range.start.line)).size).toBeGreaterThanOrEqual(2);
    // Both sweeps survive in the AST, for the editor's outline.
    expect(a.ast.statements.filter((s) => s.kind === "Sweep")).toHaveLength(2);
    expect(a.points).toEqual([]);
  });

  it("gives friendly messages", () => {
    expect(analyze("sweep ]", "t").diagnostics[0].message).toBe(
      "expected a model such as `wrn(20,1)` after `sweep`, found `]`",
    );
    expect(analyze("sweep resnet(20) rewind", "t").diagnostics[0].message).toBe(
      "expected a value after `rewind`, found the end of the file",
    );
    expect(analyze("let = 3", "t").diagnostics[0].message).toBe("expected a name after `let`, found `=`");
  });

  it("allows keywords as names where a name is expected", () => {
    const a = analyze("sweep rewind: resnet(20) prune global at 50% rewind rewind in [1, 2]\n", "t");
    expect(a.diagnostics).toEqual([]);
    expect(a.points[0].params).toHaveProperty("rewind");
  });
});
