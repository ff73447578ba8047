import { describe, expect, it } from "vitest";
import {
  analyze,
  analyzeSyntax,
  catalog,
  DATASETS,
  type Expr,
  expandValue,
  lookup,
  renderDiagnostic,
  SETTING_KEYWORDS,
  SETTINGS,
  walk,
} from "../../src/compiler/index.js";

function findExpr(text: string, source: string): Expr {
  const a = analyze(text, "t");
  let found: Expr | undefined;
  walk(a.ast, (n) => {
    if (found || !("range" in n)) return;
    if (text.slice(n.range.start.offset, n.range.end.offset) === source && n.kind !== "Setting" && n.kind !== "Arg") {
      found = n as Expr;
    }
  });
  if (!found) throw new Error(`no node for ${source}`);
  return found;
}

describe("expandValue", () => {
  const text = "let ks = [1, 8]\nsweep wrn(20, k in ks) prune global|random at w in 80%^[2..4] rewind [0..6 by 3]";
  const a = analyze(text, "t");

  it("gives the concrete values of swept expressions", () => {
    expect(expandValue(a, findExpr(text, "w in 80%^[2..4]"))).toEqual({ param: "w", values: [0.64, 0.512, 0.4096] });
    expect(expandValue(a, findExpr(text, "global|random"))).toEqual({ param: null, values: ["global", "random"] });
    expect(expandValue(a, findExpr(text, "[0..6 by 3]"))).toEqual({ param: null, values: [0, 3, 6] });
    expect(expandValue(a, findExpr(text, "k in ks"))).toEqual({ param: "k", values: [1, 8] });
  });

  it("is null for a plain value", () => {
    expect(expandValue(a, findExpr(text, "20"))).toBeNull();
  });
});

describe("diagnostics", () => {
  it("carry a quick fix for a misspelled name and for a step larger than eps", () => {
    const text = "sweep resnet(20) under pgd(lnf, 0.1, 2, step=0.5)";
    const ds = analyze(text, "t").diagnostics;
    const norm = ds.find((d) => d.code === "E011")!;
    expect(norm.fix).toMatchObject({ newText: "linf" });
    expect(text.slice(norm.fix!.range.start.offset, norm.fix!.range.end.offset)).toBe("lnf");
    const fixed = analyze(text.replace("lnf", "linf"), "t").diagnostics.find((d) => d.code === "E026")!;
    expect(fixed.fix).toMatchObject({ newText: "0.1/2", title: "Set the step to ε/n" });
  });

  it("render as file:line:col, source line, caret and hint", () => {
    const text = "epochs 10\nsweep wrm(20, 1)\n";
    const d = analyze(text, "t").diagnostics[0];
    expect(renderDiagnostic(d, text, "x.lth")).toBe(
      "x.lth:2:7: error[E011]: unknown model `wrm`\n2 | sweep wrm(20, 1)\n  |       ^^^\nhint: did you mean `wrn`?",
    );
  });

  it("stops combinatorial explosions with a diagnostic", () => {
    const huge = analyze(`sweep lenet(${"[1, 2], ".repeat(30)}1)`, "t");
    expect(huge.diagnostics.map((d) => d.code)).toEqual(["E036"]);
    const wide = analyze(`sweep lenet(${"1, ".repeat(20000)}1)`, "t");
    expect(wide.points).toHaveLength(1);
  });

  it("analyze never throws, whatever the input", () => {
    for (const text of ["", "\u0000", "sweep", "{{{{", "]".repeat(1000), "sweep a: ".repeat(200), "[".repeat(2000)]) {
      expect(() => analyze(text, "t")).not.toThrow();
    }
  });
});

describe("catalog", () => {
  it("documents every setting, model, dataset, adversary, norm, strategy and unit", () => {
    for (const list of Object.values(catalog)) {
      for (const entry of list) {
        expect(entry.doc.length, entry.name).toBeGreaterThan(5);
        expect(entry.doc).not.toContain("\n");
      }
    }
    expect(SETTINGS.map((s) => s.name)).toContain("rewind");
    expect(catalog.models.map((m) => m.name)).toEqual(["wrn", "resnet", "lenet", "convnet"]);
    expect(catalog.datasets.map((m) => m.name).sort()).toEqual(Object.keys(DATASETS).sort());
    expect(lookup("pgd")[0].params.find((p) => p.name === "step")?.default).toBe("eps/n");
    expect(lookup("random").map((e) => e.kind)).toContain("strategy");
  });

  it("makes every declared setting a keyword", () => {
    expect([...SETTING_KEYWORDS]).toEqual(SETTINGS.map((s) => s.name));
    for (const s of SETTINGS) expect(analyzeSyntax(`${s.name} 1`).tokens[0], s.name).toMatchObject({ kind: "setting" });
  });

  it("each setting's spelled-out default is its fallback: writing it changes no point", () => {
    const sweep = "sweep resnet(20) prune global at 50%";
    const omitted = analyze(sweep, "t").points;
    expect(omitted.length).toBeGreaterThan(0);
    const spelled = SETTINGS.filter(
      (s) => s.fallback !== null && s.fallback !== undefined && !s.default?.includes("("),
    );
    expect(spelled.map((s) => s.name)).toEqual(expect.arrayContaining(["epochs", "rewind", "momentum", "data"]));
    for (const s of spelled) {
      const text = `${s.name} ${s.default}\n${sweep}`;
      const result = analyze(text, "t");
      expect(
        result.diagnostics.filter((d) => d.severity === "error"),
        text,
      ).toEqual([]);
      expect(result.points, text).toEqual(omitted);
    }
  });

  it("every setting's example checks cleanly in a sweep", () => {
    for (const s of SETTINGS) {
      const text = `${s.example}\nsweep ${s.name === "model" ? "" : "resnet(20) "}prune global at 50%`;
      const errors = analyze(text, "t").diagnostics.filter((d) => d.severity === "error");
      expect(errors, `${s.name}: ${text}`).toEqual([]);
    }
  });
});
