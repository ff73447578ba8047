/**
 * One argument binding (src/compiler/bind.ts) for the compiler and the editor: what a hover
 * says a call's parameters are must be what the compiler trains.
 */
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyze, bindCall, MODELS, positionalParam } from "../../src/compiler/index.js";
import { hoverAt } from "../../src/lsp/hover.js";
import { analyzeDocument, lexText } from "../../src/lsp/language.js";
import { usageAt } from "../../src/lsp/names.js";
import { signatureHelpAt } from "../../src/lsp/signature-help.js";

function hoverOf(text: string, word: string): string {
  const analysis = analyzeDocument(TextDocument.create("file:///t.lth", "lth", 1, text));
  const hover = hoverAt(analysis, text.indexOf(word) + 1);
  const contents = hover?.contents;
  return contents && typeof contents === "object" && "value" in contents ? contents.value : "";
}

function modelOf(text: string) {
  const result = analyze(text, "t.lth");
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.points[0]?.train.model;
}

describe("argument binding shared by compiler and hover", () => {
  it("convnet(32, 64): both conv stages are channels and hidden keeps its default", () => {
    const text = "data synthetic\nsweep s: convnet(32, 64)\n  epochs 1\n";
    expect(modelOf(text)).toEqual({ kind: "convnet", channels: [32, 64], hidden: 128 });
    const hover = hoverOf(text, "convnet");
    expect(hover).toContain("`channels` = `32, 64`");
    expect(hover).toContain("`hidden` = `128` *(default)*");
  });

  it("convnet(32, 64, hidden=256): a named argument fills its own parameter", () => {
    const text = "data synthetic\nsweep s: convnet(32, 64, hidden=256)\n  epochs 1\n";
    expect(modelOf(text)).toEqual({ kind: "convnet", channels: [32, 64], hidden: 256 });
    const hover = hoverOf(text, "convnet");
    expect(hover).toContain("`channels` = `32, 64`");
    expect(hover).toContain("`hidden` = `256`");
  });

  it("a variadic parameter takes every positional argument from its position on", () => {
    const params = MODELS.find((m) => m.name === "convnet")!.params;
    expect([0, 1, 5].map((i) => positionalParam(params, i)?.name)).toEqual(["channels", "channels", "channels"]);
    const wrn = MODELS.find((m) => m.name === "wrn")!.params;
    expect([0, 1, 2].map((i) => positionalParam(wrn, i)?.name)).toEqual(["depth", "k", undefined]);
  });

  it("reports problems in source order and binds past them", () => {
    const analysis = analyze("sweep s: wrn(20, 1, 3, k=2)\n", "t.lth");
    const sweep = analysis.ast.statements.find((st) => st.kind === "Sweep");
    const call = sweep?.kind === "Sweep" ? sweep.model : null;
    expect(call?.kind).toBe("Call");
    if (call?.kind !== "Call") return;
    const wrn = MODELS.find((m) => m.name === "wrn")!.params;
    const binding = bindCall(call.args, wrn);
    expect(binding.problems.map((p) => p.kind)).toEqual(["tooMany", "duplicate"]);
    expect([...binding.args.keys()]).toEqual(["depth", "k"]);
    expect(analysis.diagnostics.map((d) => d.message)).toContain("too many arguments: `wrn` takes wrn(depth, k)");
  });
});

describe("one resolver for names, shared by compiler and editor", () => {
  // `k` is both a let and a parameter swept in the sweep: the compiler reads the use in pgd as the let.
  const text = "let k = 4\nsweep s: wrn(20, k in [1, 2]) under pgd(linf, 0.1, k)\n";

  it("the compiler takes the let", () => {
    const points = analyze(text, "t.lth").points;
    expect(points.map((p) => p.train.adversary.kind === "pgd" && p.train.adversary.steps)).toEqual([4, 4]);
  });

  it("go-to-definition from the use goes to the let, as the compiler reads it", () => {
    const analysis = analyzeDocument(TextDocument.create("file:///t.lth", "lth", 1, text));
    const use = text.lastIndexOf("k)");
    const usage = usageAt(analysis, use);
    expect(usage?.definition.kind).toBe("let");
    expect(usage?.definition.nameRange.start.offset).toBe(text.indexOf("k ="));
  });
});

describe("signature help binds as the compiler does", () => {
  const active = (text: string) => {
    const help = signatureHelpAt(lexText(text), text.length);
    const signature = help?.signatures[0];
    const index = help?.activeParameter;
    if (!signature || index === undefined || index === null) return null;
    const [from, to] = signature.parameters?.[index]?.label as [number, number];
    return signature.label.slice(from, to);
  };

  it("highlights the parameter the cursor's argument fills", () => {
    expect(active("sweep s: convnet(32, 64, ")).toBe("channels…");
    expect(active("under pgd(linf, 0.1, 2, ")).toBe("step=eps/n");
    expect(active("under pgd(linf, bn=")).toBe("bn=eval");
    expect(active("under fgsm(linf, ")).toBe("eps");
    expect(signatureHelpAt(lexText("epochs 3"), 8)).toBeNull();
  });

  it("spells the signature from the declaration", () => {
    const help = signatureHelpAt(lexText("sweep s: wrn("), 13);
    expect(help?.signatures[0]?.label).toBe("wrn(depth, k)");
  });
});
