/**
 * `fgsm(norm, eps)`, the construct docs/schema.md adds as its example: FGSM with a random
 * start is PGD with one step of size ε, so it must compile to exactly the runs (and job ids)
 * of `pgd(norm, eps, 1)`.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";

function compile(adversary: string) {
  const text = `data synthetic\nepochs 2\nsweep s: convnet(8)\n  under ${adversary}\n  prune global|random at 50%\n  rewind 1\n`;
  return analyze(text, "t.lth");
}

function errors(adversary: string): string[] {
  return compile(adversary)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.code} ${d.message}`);
}

describe("fgsm", () => {
  for (const [fgsm, pgd] of [
    ["fgsm(linf, 8/255)", "pgd(linf, 8/255, 1)"],
    ["fgsm(l2, 0.5)", "pgd(l2, 0.5, 1)"],
    ["fgsm(linf, 0.1, labels=true, bn=train)", "pgd(linf, 0.1, 1, labels=true, bn=train)"],
  ]) {
    it(`${fgsm} is ${pgd}: same configs, same job ids`, () => {
      const a = compile(fgsm);
      const b = compile(pgd);
      expect(errors(fgsm)).toEqual([]);
      expect(a.points.map((p) => p.train)).toEqual(b.points.map((p) => p.train));
      expect(buildPlan(a.points).jobs.map((j) => j.id)).toEqual(buildPlan(b.points).jobs.map((j) => j.id));
    });
  }

  it("is one step of size ε from a random start", () => {
    expect(compile("fgsm(linf, 0.1)").points[0]?.train.adversary).toEqual({
      kind: "pgd",
      norm: "linf",
      eps: 0.1,
      steps: 1,
      stepSize: 0.1,
      randomStart: true,
      labels: "predicted",
      bn: "eval",
    });
  });

  it("checks its arguments from the same declarations as pgd", () => {
    expect(errors("fgsm")).toEqual(["E012 `fgsm` needs its norm and radius"]);
    expect(errors("fgsm(linf)")[0]).toMatch(/`fgsm` needs `eps`: it takes fgsm\(norm, eps, labels=…, bn=…\)/);
    // No step count: a third positional argument is the label source.
    expect(errors("fgsm(linf, 0.1, 2)")[0]).toMatch(/expected label source such as `predicted`/);
    expect(errors("fgsm(linf, 0.1, true, eval, 2)")[0]).toMatch(/too many arguments/);
    expect(errors("fgsm(linf, 0.1, step=0.05)")[0]).toMatch(/`fgsm` has no parameter `step`/);
    expect(errors("fgsm(l3, 0.1)")[0]).toMatch(/unknown norm `l3`/);
    expect(errors("fgsm(linf, 0)")[0]).toMatch(/ε must be > 0/);
  });

  it("sweeps like any adversary", () => {
    const result = compile("fgsm(linf, eps in [0.1, 0.2])");
    expect(result.points.map((p) => p.train.adversary.kind === "pgd" && p.train.adversary.eps)).toContain(0.2);
  });
});
