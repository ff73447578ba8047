/** Fault 1 of issue 11: the key that files metrics, rows, report columns and plot series is complete. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import type { AdversaryConfig } from "../../src/core/config.js";
import { adversaryKey } from "../../src/core/labels.js";
import type { EpochMetric } from "../../src/runtime/job-api.js";
import { evaluationAdversaries, rekeyLegacyMetrics } from "../../src/runtime/train/evaluate.js";
import { pgdLinf } from "../helpers/adversary.js";

describe("adversaryKey", () => {
  it("is the short name for a default adversary, so old stores' keys keep their meaning", () => {
    expect(adversaryKey({ kind: "none" })).toBe("clean");
    expect(adversaryKey({ ...pgdLinf(0.1, 1), steps: 0 })).toBe("clean");
    expect(adversaryKey(pgdLinf(0.1, 8))).toBe("pgd(linf,0.1,8)");
    expect(adversaryKey({ ...pgdLinf(0.5, 2), norm: "l2" })).toBe("pgd(l2,0.5,2)");
  });

  it("writes every option that differs, in the language's syntax and a fixed order", () => {
    expect(adversaryKey(pgdLinf(0.1, 2, { labels: "true" }))).toBe("pgd(linf,0.1,2,labels=true)");
    expect(adversaryKey(pgdLinf(0.1, 2, { randomStart: false }))).toBe("pgd(linf,0.1,2,start=zero)");
    expect(adversaryKey(pgdLinf(0.1, 2, { bn: "train" }))).toBe("pgd(linf,0.1,2,bn=train)");
    expect(adversaryKey(pgdLinf(0.1, 2, { stepSize: 0.03 }))).toBe("pgd(linf,0.1,2,step=0.03)");
    expect(adversaryKey(pgdLinf(0.1, 2, { bn: "train", labels: "true", randomStart: false, stepSize: 0.1 }))).toBe(
      "pgd(linf,0.1,2,step=0.1,start=zero,labels=true,bn=train)",
    );
  });

  it("treats float noise in ε/n as the default step", () => {
    expect(adversaryKey(pgdLinf(0.3, 3, { stepSize: 0.1 }))).toBe("pgd(linf,0.3,3)");
  });

  it("gives the issue's four adversaries four keys, and evaluation keeps all four", () => {
    const text = `data fashion-mnist(train=256, test=128)
test [pgd(linf,0.1,2,labels=true), pgd(linf,0.1,2,start=zero), pgd(linf,0.1,2,bn=train)]
sweep s: lenet(300, 100) under pgd(linf, 0.1, 2)
`;
    const { points, diagnostics } = analyze(text, "t.lth");
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const keys = evaluationAdversaries(points[0].train.testAdversaries).map(adversaryKey);
    expect(keys).toEqual([
      "clean",
      "pgd(linf,0.1,2)",
      "pgd(linf,0.1,2,labels=true)",
      "pgd(linf,0.1,2,start=zero)",
      "pgd(linf,0.1,2,bn=train)",
    ]);
  });
});

describe("rekeyLegacyMetrics", () => {
  const training = pgdLinf(0.1, 2, { labels: "true" });
  const tests: AdversaryConfig[] = [{ kind: "none" }, training, pgdLinf(0.1, 2), pgdLinf(0.1, 10)];
  const metric = (epoch: number, adversary: string, accuracy: number): EpochMetric => ({
    epoch,
    adversary,
    accuracy,
    loss: 1,
  });

  it("re-files an old epoch's short name under the adversary that was really evaluated (the first of that name)", () => {
    const old = [metric(1, "clean", 0.8), metric(1, "pgd(linf,0.1,2)", 0.5), metric(1, "pgd(linf,0.1,10)", 0.4)];
    expect(rekeyLegacyMetrics(tests, old).map((m) => m.adversary)).toEqual([
      "clean",
      "pgd(linf,0.1,2,labels=true)",
      "pgd(linf,0.1,10)",
    ]);
  });

  it("leaves current metrics, and a resumed job's new epochs, as they are", () => {
    const current = [
      metric(2, "clean", 0.8),
      metric(2, "pgd(linf,0.1,2,labels=true)", 0.5),
      metric(2, "pgd(linf,0.1,2)", 0.45),
      metric(2, "pgd(linf,0.1,10)", 0.4),
    ];
    expect(rekeyLegacyMetrics(tests, current)).toEqual(current);
    const old = [metric(1, "clean", 0.7), metric(1, "pgd(linf,0.1,2)", 0.3), metric(1, "pgd(linf,0.1,10)", 0.2)];
    expect(rekeyLegacyMetrics(tests, [...old, ...current]).map((m) => `${m.epoch} ${m.adversary}`)).toEqual([
      "1 clean",
      "1 pgd(linf,0.1,2,labels=true)",
      "1 pgd(linf,0.1,10)",
      ...current.map((m) => `2 ${m.adversary}`),
    ]);
  });

  it("files an old bn=train attack under bn=eval: old releases attacked with running statistics at test time", () => {
    const trained = pgdLinf(0.1, 2, { bn: "train" });
    const old = [metric(1, "clean", 0.8), metric(1, "pgd(linf,0.1,2)", 0.5)];
    expect(rekeyLegacyMetrics([{ kind: "none" }, trained], old).map((m) => m.adversary)).toEqual([
      "clean",
      "pgd(linf,0.1,2)",
    ]);
  });
});

describe("a swept adversary's parameter", () => {
  it("carries the adversary's complete key, the spelling of the adversary and trainAdversary columns", () => {
    const text = [
      "data mnist",
      "let strong = pgd(linf, 0.1, 2, labels=true)",
      "sweep s: lenet(300, 100)",
      "  under adv in none | pgd(linf, 0.1, 2) | strong",
    ].join("\n");
    const result = analyze(text, "swept.lth");
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const seen = new Set<string>();
    for (const point of result.points) {
      expect(point.params.adv).toBe(adversaryKey(point.train.adversary));
      seen.add(String(point.params.adv));
    }
    expect([...seen].sort()).toEqual(["clean", "pgd(linf,0.1,2)", "pgd(linf,0.1,2,labels=true)"]);
  });
});
