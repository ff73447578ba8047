/**
 * Every feature end to end over stdio, asserted against the compiler itself: the
 * server must say what `lthc check` / `lthc fmt` / `lthc plan` say for the same text.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  InlayHint,
  MarkupContent,
  TextEdit,
} from "vscode-languageserver-protocol";
import { analyze, formatSpec } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";
import { expectCompletion, hoverText, type LspClient, offsetAt, parseMarkers, startServer } from "./harness.js";

const VERBATIM =
  "sweep wrn(20,k in [1,8]) under pgd(linf,0.1,n in [1,2,4,8]) prune global|random at w in 80%^[2..16] rewind 8 reps 2";

function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let out = text;
  for (const edit of sorted) {
    out = out.slice(0, offsetAt(out, edit.range.start)) + edit.newText + out.slice(offsetAt(out, edit.range.end));
  }
  return out;
}

/** What `lthc check` reports, in LSP coordinates (0-based lines and columns). */
function expectedDiagnostics(text: string) {
  return analyze(text).diagnostics.map((d) => ({
    code: d.code,
    message: d.message,
    hint: d.hint,
    range: {
      start: { line: d.range.start.line - 1, character: d.range.start.column - 1 },
      end: { line: d.range.end.line - 1, character: d.range.end.column - 1 },
    },
  }));
}

function asCheck(diagnostics: Diagnostic[]) {
  return diagnostics.map((d) => {
    const [message, hint] = d.message.split("\nhint: ");
    return { code: d.code, message, hint, range: d.range };
  });
}

describe("lsp features", () => {
  let client: LspClient;
  beforeAll(async () => {
    ({ client } = await startServer());
  });
  afterAll(async () => {
    await client.shutdown();
  });

  describe("diagnostics", () => {
    const broken = "sweep wrn(20,1) under pgd(lnf, 0.1, 2) prune global at 80%^[2..4] epoch 30\n";

    it("publishes on open exactly what lthc check reports (codes, ranges, messages, hints)", async () => {
      const uri = await client.open(broken);
      const published = await client.diagnostics(uri);
      expect(published.length).toBeGreaterThan(0);
      expect(asCheck(published)).toEqual(expectedDiagnostics(broken));
      const withHint = published.find((d) => d.code === "E011")!;
      expect(withHint.source).toBe("lthc");
      expect(withHint.relatedInformation?.[0].message).toContain("did you mean `linf`?");
    });

    it("follows edits and clears when the text is fixed, and on close", async () => {
      const uri = await client.open(broken);
      await client.diagnostics(uri);
      const fixed = broken.replace("lnf", "linf").replace("epoch 30", "epochs 30");
      await client.change(uri, fixed);
      expect(asCheck(await client.diagnostics(uri))).toEqual(expectedDiagnostics(fixed));
      expect(expectedDiagnostics(fixed).filter((d) => d.code.startsWith("E"))).toEqual([]);
      await client.edit(uri, { start: { line: 0, character: 6 }, end: { line: 0, character: 9 } }, "wrm");
      const again = await client.diagnostics(uri);
      expect(again.map((d) => d.code)).toContain("E011");
      const cleared = new Promise<Diagnostic[]>((resolve) => {
        const before = client.published.get(uri)?.length ?? 0;
        const poll = setInterval(() => {
          const list = client.published.get(uri) ?? [];
          if (list.length > before) {
            clearInterval(poll);
            resolve(list[list.length - 1].diagnostics);
          }
        }, 5);
      });
      await client.close(uri);
      expect(await cleared).toEqual([]);
    });

    it("debounces a burst of edits into diagnostics for the final text", async () => {
      const uri = await client.open("sweep wrn(20,1)\n");
      await client.diagnostics(uri);
      const before = client.published.get(uri)!.length;
      let text = "sweep wrn(20,1)\n";
      for (const piece of [" under", " pgd(", "linf,", " 0.1,", " 2)"]) {
        text = text.replace("\n", `${piece}\n`);
        await client.change(uri, text);
      }
      expect(asCheck(await client.diagnostics(uri))).toEqual(expectedDiagnostics(text));
      // Five edits inside the debounce window publish far fewer than five times.
      expect(client.published.get(uri)!.length - before).toBeLessThan(5);
    });
  });

  describe("completion", () => {
    it("offers statement keywords and settings at the start of a line", async () => {
      await expectCompletion(client, "<|>", { includes: ["sweep", "let", "epochs", "data"] });
    });

    it("offers models after `sweep`", async () => {
      await expectCompletion(client, "sweep <|>", {
        includes: ["wrn", "resnet", "lenet", "convnet"],
        excludes: ["pgd"],
      });
    });

    it("offers adversaries after `under`, datasets after `data`, strategies after `prune`", async () => {
      await expectCompletion(client, "sweep wrn(20,1) under <|>", { includes: ["pgd", "none"], excludes: ["wrn"] });
      await expectCompletion(client, "data <|>", { includes: ["cifar10", "mnist", "fashion-mnist"] });
      await expectCompletion(client, "sweep wrn(20,1) prune <|>", {
        includes: ["global", "random", "imp", "layerwise"],
      });
    });

    it("inside `pgd(` offers norms first, then the named options", async () => {
      const items = await expectCompletion(client, "sweep wrn(20,1) under pgd(<|>", {
        includes: ["linf", "l2", "step=", "start=", "labels=", "bn="],
        first: ["linf", "l2"],
      });
      const step = items.find((i) => i.label === "step=")!;
      expect((step.documentation as MarkupContent).value).toContain("eps/n");
    });

    it("offers the values of a named option and skips options already given", async () => {
      await expectCompletion(client, "sweep wrn(20,1) under pgd(linf, 0.1, 2, start=<|>", {
        includes: ["random", "zero"],
        excludes: ["step="],
      });
      await expectCompletion(client, "sweep wrn(20,1) under pgd(linf, 0.1, 2, step=0.05, <|>", {
        includes: ["start=", "labels="],
        excludes: ["step="],
      });
    });

    it("offers settings after a complete value and names defined in the file where values go", async () => {
      await expectCompletion(client, "sweep wrn(20,1) <|>", { includes: ["under", "prune", "at", "rewind", "reps"] });
      await expectCompletion(client, "let eps = 0.1\nsweep wrn(20,1) under pgd(linf, <|>)", { includes: ["eps"] });
      await expectCompletion(client, "let eps = 0.1\nlet attack = <|>", { includes: ["eps", "pgd", "wrn", "global"] });
    });

    it("offers units right after a number", async () => {
      await expectCompletion(client, "sweep wrn(20,1) at 80<|>", { includes: ["80%"], excludes: ["80ep"] });
      await expectCompletion(client, "sweep wrn(20,1) rewind 8<|>", { includes: ["8ep", "8it"] });
    });

    it("documents every item from the compiler's catalog", async () => {
      const items: CompletionItem[] = await expectCompletion(client, "sweep wrn(20,1) under <|>", {
        includes: ["pgd"],
      });
      const pgd = items.find((i) => i.label === "pgd")!;
      expect(pgd.detail).toContain("pgd(norm, eps, n");
      expect((pgd.documentation as MarkupContent).value).toContain("Projected gradient descent");
      for (const item of items) expect(item.documentation).toBeTruthy();
    });

    it("offers nothing inside a comment", async () => {
      const items = await expectCompletion(client, "# a comment <|>\nsweep wrn(20,1)", {});
      expect(items).toEqual([]);
    });
  });

  describe("hover", () => {
    const marked = `s<|>weep thesis: w<|>rn(20,k in [1,8]) under p<|>gd(linf,0.1,n in [1,2,4,8]) prune g<|>lobal|random at w in 8<|>0%^[2..16] re<|>wind 8 reps 2`;
    const { text, positions } = parseMarkers(marked);
    let uri: string;
    beforeAll(async () => {
      uri = await client.open(text);
    });

    it("spells out pgd's defaults: step ε/n, random start, labels from the model's predictions", async () => {
      const hover = hoverText(await client.hover(uri, positions[2]));
      expect(hover).toContain("`step` = `eps/n` = `0.1/n` *(default)*");
      expect(hover).toContain("`start` = `random` *(default)*");
      expect(hover).toContain("`labels` = `predicted` *(default)*");
      expect(hover).toContain("model's predictions");
      expect(hover).toContain("`n` = `n ∈ {1, 2, 4, 8}`");
    });

    it("shows a sweep's expansion: values, points, dense and sparse runs (from the planner)", async () => {
      const hover = hoverText(await client.hover(uri, positions[0]));
      const points = analyze(text).points;
      const { summary } = buildPlan(points);
      expect(hover).toContain(`**${points.length} points**`);
      expect(hover).toContain("`k`: 1, 8 (2 values)");
      expect(hover).toContain("`n`: 1, 2, 4, 8 (4 values)");
      expect(hover).toContain("`w`: 64%, 51.2%, 41%, …, 2.8% (15 values)");
      expect(hover).toContain("replicates: 2");
      expect(hover).toContain(`**${summary.denseRuns} dense runs**`);
      expect(hover).toContain(`**${summary.sparseRuns} sparse runs**`);
    });

    it("explains models, strategies, settings with their defaults, and swept values", async () => {
      expect(hoverText(await client.hover(uri, positions[1]))).toContain("`k` = `k ∈ {1, 8}`");
      expect(hoverText(await client.hover(uri, positions[3]))).toContain("global magnitude pruning");
      const density = hoverText(await client.hover(uri, positions[4]));
      expect(density).toContain("`w` takes 15 values: 64%, 51.2%");
      const rewind = hoverText(await client.hover(uri, positions[5]));
      expect(rewind).toContain("Rewind point");
      expect(rewind).toContain("Default: `8ep`");
      expect(rewind).toContain("Resolves to `PruneConfig.rewind");
    });

    it("still plans a sweep while another sweep of the file has errors", async () => {
      const broken =
        "let eps = 0.1\nsweep a: wrn(20, k in [1, 8]) under pgd(linf, eps, 2) at w in 80%^[2..4] reps 2\nsweep b: wrm(20, 1)\n";
      const other = await client.open(broken);
      const hover = hoverText(await client.hover(other, { line: 1, character: 7 }));
      const alone = analyze(`let eps = 0.1\n${broken.split("\n")[1]}`).points;
      expect(alone.length).toBe(24);
      expect(hover).toContain("**24 points**");
      expect(hover).toContain(`**${buildPlan(alone).summary.denseRuns} dense runs**`);
      // The plan is the sweep's own: the errors elsewhere are the diagnostics' to report.
      expect(hover).toContain("Plan of this sweep:");
    });

    it("answers null on whitespace and out of range", async () => {
      expect(await client.hover(uri, { line: 40, character: 3 })).toBeNull();
      expect(await client.hover(uri, { line: 0, character: 6 })).not.toBeNull();
    });
  });

  it("shows expansions as inlay hints", async () => {
    const uri = await client.open(`${VERBATIM}\nsweep b: resnet(20) at 50% rewind [2..16 by 2]\n`);
    const hints = (await client.connection.sendRequest("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
    })) as InlayHint[];
    const labels = hints.map((h) => String(h.label));
    expect(labels).toEqual(["15 densities: 64% … 2.8%", "8 rewind points: 2 … 16"]);
    expect(hints.find((h) => String(h.label).includes("densities"))?.position).toEqual({
      line: 0,
      character: VERBATIM.indexOf(" rewind"),
    });
  });

  it("formats with lthc fmt's formatter", async () => {
    const text = "sweep   wrn(20,k in [1,8])   under pgd(linf,0.1,n in [1,2,4,8])\n\n\n# note\nreps 2";
    const uri = await client.open(text);
    const edits = (await client.connection.sendRequest("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    })) as TextEdit[];
    const expected = formatSpec(text);
    expect(applyEdits(text, edits)).toBe(expected ?? text);
  });

  describe("quick fixes", () => {
    async function fixesFor(text: string): Promise<{ uri: string; actions: CodeAction[] }> {
      const uri = await client.open(text);
      const diagnostics = await client.diagnostics(uri);
      const actions = (await client.connection.sendRequest("textDocument/codeAction", {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } },
        context: { diagnostics },
      })) as CodeAction[];
      return { uri, actions };
    }

    it("replaces a misspelled name with the compiler's suggestion", async () => {
      const text = "sweep wrm(20,1) under pgd(linf, 0.1, 2)\n";
      const { actions } = await fixesFor(text);
      const fix = actions.find((a) => a.title.includes("wrn"))!;
      expect(fix.kind).toBe("quickfix");
      expect(fix.diagnostics?.[0].code).toBe("E011");
      const fixed = applyEdits(text, Object.values(fix.edit!.changes!)[0]);
      expect(fixed).toBe("sweep wrn(20,1) under pgd(linf, 0.1, 2)\n");
      expect(analyze(fixed).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    });

    it("sets a PGD step larger than ε to ε/n", async () => {
      const text = "sweep wrn(20,1) under pgd(linf, 0.1, 2, step=0.5)\n";
      const expected = analyze(text).diagnostics.find((d) => d.fix);
      const { actions } = await fixesFor(text);
      expect(actions.length).toBe(expected ? 1 : 0);
      if (!expected) return;
      const fixed = applyEdits(text, Object.values(actions[0].edit!.changes!)[0]);
      expect(fixed).toBe("sweep wrn(20,1) under pgd(linf, 0.1, 2, step=0.1/2)\n");
      expect(analyze(fixed).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    });

    it("offers nothing where the compiler suggests no fix", async () => {
      const { actions } = await fixesFor("sweep wrn(21,1)\n");
      expect(actions).toEqual([]);
    });
  });
});
