import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze, type Point } from "../../src/compiler/index.js";

const VERBATIM =
  "sweep wrn(20,k in [1,8]) under pgd(linf,0.1,n in [1,2,4,8]) prune global|random at w in 80%^[2..16] rewind 8 reps 2";

function points(text: string): Point[] {
  const a = analyze(text, "t.lth");
  expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return a.points;
}

describe("the verbatim line", () => {
  const ps = points(VERBATIM);

  it("expands to 2 widths × 4 step counts × 2 strategies × 15 densities × 2 replicates", () => {
    expect(ps).toHaveLength(2 * 4 * 2 * 15 * 2);
    expect(new Set(ps.map((p) => p.params.k))).toEqual(new Set([1, 8]));
    expect(new Set(ps.map((p) => p.params.n))).toEqual(new Set([1, 2, 4, 8]));
    expect(new Set(ps.map((p) => p.params.strategy))).toEqual(new Set(["global", "random"]));
    expect(new Set(ps.map((p) => p.replicate))).toEqual(new Set([1, 2]));
  });

  it("has densities 0.8^2 … 0.8^16", () => {
    const densities = [...new Set(ps.map((p) => p.prune!.density))].sort((a, b) => b - a);
    expect(densities).toHaveLength(15);
    densities.forEach((d, i) => {
      expect(d).toBeCloseTo(0.8 ** (i + 2), 12);
    });
  });

  it("resolves every setting to Table A.1 defaults", () => {
    const p = ps.find((x) => x.params.k === 8 && x.params.n === 4 && x.params.strategy === "random")!;
    expect(p.sweep).toBe("main");
    expect(p.train.dataset).toEqual({ name: "cifar10", flip: true, crop: 4, trainSubset: null, testSubset: null });
    expect(p.train.model).toEqual({ kind: "resnet", depth: 20, width: 8 });
    expect(p.train.adversary).toEqual({
      kind: "pgd",
      norm: "linf",
      eps: 0.1,
      steps: 4,
      stepSize: 0.025,
      randomStart: true,
      labels: "predicted",
      bn: "eval",
    });
    expect(p.train.schedule).toEqual({
      epochs: 160,
      batch: 128,
      optimizer: "sgd",
      lr: 0.1,
      momentum: 0.9,
      nesterov: false,
      weightDecay: 0,
      milestones: [80, 120],
      gamma: 0.1,
    });
    expect(p.train.testAdversaries).toEqual([{ kind: "none" }, p.train.adversary]);
    expect(p.prune).toMatchObject({
      strategy: "random",
      scope: "global",
      method: "oneshot",
      rewind: { epoch: 8, step: 0 },
    });
    expect(p.tolerance).toBe(0);
  });

  it("uses global magnitude pruning for `global`", () => {
    const p = ps.find((x) => x.params.strategy === "global")!;
    expect(p.prune).toMatchObject({ strategy: "magnitude", scope: "global", method: "oneshot", fraction: 0 });
  });
});

describe("shipped specs", () => {
  it("thesis.lth is Table A.1: 2 × 5 × 2 × 8 × 2 points, n = 0 is standard training", () => {
    const ps = points(readFileSync("specs/thesis.lth", "utf8"));
    expect(ps).toHaveLength(2 * 5 * 2 * 8 * 2);
    const standard = ps.filter((p) => p.params.n === 0);
    expect(standard).toHaveLength(2 * 2 * 8 * 2);
    for (const p of standard) expect(p.train.adversary).toEqual({ kind: "none" });
    for (const p of standard) expect(p.train.testAdversaries).toEqual([{ kind: "none" }]);
    const densities = [...new Set(ps.map((p) => p.prune!.density))];
    expect(densities.map((d) => Math.round(Math.log(d) / Math.log(0.8)))).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
  });

  it("rewind.lth is Table A.2: 3 densities × 9 rewind epochs × 2 strategies × 4 replicates", () => {
    const ps = points(readFileSync("specs/rewind.lth", "utf8"));
    expect(ps).toHaveLength(3 * 9 * 2 * 4);
    expect(new Set(ps.map((p) => p.prune!.rewind.epoch))).toEqual(new Set([0, 1, 2, 4, 8, 16, 32, 64, 128]));
    expect(new Set(ps.map((p) => p.prune!.density))).toEqual(new Set([0.3, 0.5, 0.7]));
    expect(ps[0].train.adversary).toMatchObject({ kind: "pgd", eps: 0.3, steps: 1, stepSize: 0.3 });
    expect(ps[0].train.model).toEqual({ kind: "resnet", depth: 20, width: 1 });
  });

  it("quick.lth is CPU-sized: fashion-mnist subset, lenet, few epochs", () => {
    const ps = points(readFileSync("specs/quick.lth", "utf8"));
    expect(ps.length).toBeGreaterThan(0);
    for (const p of ps) {
      expect(p.train.dataset).toMatchObject({ name: "fashion-mnist", trainSubset: 8000, testSubset: 2000 });
      expect(p.train.schedule.epochs).toBeLessThanOrEqual(6);
      expect(p.train.model.kind).toBe("lenet");
    }
  });
});

describe("values", () => {
  it("names anonymous sweeps after their slot and links a name used twice", () => {
    const ps = points(
      "sweep resnet(20) under pgd(linf, eps in [0.1, 0.2], 4, step=eps/4) prune global|random at [50%, 20%]",
    );
    expect(ps).toHaveLength(2 * 2 * 2);
    expect(Object.keys(ps[0].params).sort()).toEqual(["density", "eps", "strategy"]);
    for (const p of ps) {
      const a = p.train.adversary;
      expect(a.kind === "pgd" && a.stepSize).toBeCloseTo((p.params.eps as number) / 4, 12);
    }
  });

  it("supports ranges with steps, percentages, times in iterations and lets", () => {
    const ps = points(`
      let e = 8/255
      data synthetic(train=1000)
      batch 100
      epochs 10
      sweep s: resnet(8) under pgd(linf, e, 2) prune global at [2..6 by 2] * 10% rewind 25it
    `);
    expect(ps.map((p) => p.prune!.density)).toEqual([0.2, 0.4, 0.6]);
    expect(ps[0].prune!.rewind).toEqual({ epoch: 2, step: 5 });
    const adv = ps[0].train.adversary;
    expect(adv.kind === "pgd" && adv.eps).toBeCloseTo(8 / 255, 12);
  });

  it("has IMP, layerwise random, test adversaries and overrides", () => {
    const ps = points(`
      test [pgd(l2, 0.5, 10)]
      epochs 20
      rewind 1
      sweep a: lenet(300, 100) under pgd(linf, 0.1, 2) prune imp(20%)|random(layerwise) at 80%^[1..3] { lr 0.05 }
      sweep b: convnet(16, 32) prune layerwise at 50%
    `);
    const a = ps.filter((p) => p.sweep === "a");
    const b = ps.filter((p) => p.sweep === "b");
    expect(a).toHaveLength(6);
    expect(a[0].train.schedule.lr).toBe(0.05);
    expect(b[0].train.schedule.lr).toBe(0.1);
    expect(a.find((p) => p.params.strategy === "imp(20%)")!.prune).toMatchObject({
      method: "iterative",
      fraction: 0.2,
    });
    expect(a.find((p) => p.params.strategy === "random(layerwise)")!.prune).toMatchObject({
      strategy: "random",
      scope: "layerwise",
    });
    expect(a[0].train.testAdversaries).toHaveLength(3);
    expect(b[0].train.testAdversaries).toHaveLength(2);
    expect(b[0].train.model).toEqual({ kind: "convnet", channels: [16, 32], hidden: 128 });
    expect(b[0].train.schedule.milestones).toEqual([10, 15]);
  });

  it("reads a tolerance in accuracy points, with or without %", () => {
    expect(points("sweep lenet(300, 100) { tolerance 1% }")[0].tolerance).toBe(1);
    expect(points("sweep lenet(300, 100) { tolerance 0.5 }")[0].tolerance).toBe(0.5);
  });

  it("makes a dense-only sweep without pruning", () => {
    const ps = points("sweep lenet(300, 100) { lr [0.01, 0.1] }");
    expect(ps).toHaveLength(2);
    expect(ps[0].prune).toBeNull();
  });
});

describe("parameter names", () => {
  it("names a let's swept value after the let, and every use of it is one parameter", () => {
    const ps = points(
      "let w = 80%^[1..3]\nlet ks = [1, 2]\nepochs 10\nsweep a: wrn(20, ks) prune imp at w rewind [1, 500it]",
    );
    expect(ps).toHaveLength(2 * 3 * 2);
    expect(Object.keys(ps[0].params).sort()).toEqual(["ks", "rewind", "w"]);
    expect(new Set(ps.map((p) => p.params.rewind))).toEqual(new Set([1, "500it"]));
  });

  it("numbers clashing anonymous names", () => {
    const ps = points("sweep lenet([100, 200], [50, 100]) under pgd(linf, [0.1, 0.2], 2) prune global at [50%, 20%]");
    expect(ps).toHaveLength(2 * 2 * 2 * 2);
    expect(Object.keys(ps[0].params).sort()).toEqual(["density", "eps", "hidden", "hidden2"]);
  });

  it("sweeps list settings as whole lists: alternatives, `name in [[…], […]]`, a let", () => {
    const ps = points(
      "epochs 6\nlet short = [3]\nsweep lenet(300, 100) milestones [3, 5] | short test ts in [[pgd(linf, 0.1, 5)], []]",
    );
    expect(ps).toHaveLength(2 * 2);
    expect(new Set(ps.map((p) => JSON.stringify(p.train.schedule.milestones)))).toEqual(new Set(["[3,5]", "[3]"]));
    expect(new Set(ps.map((p) => p.params.milestones))).toEqual(new Set(["[3, 5]", "short"]));
    expect(new Set(ps.map((p) => p.train.testAdversaries.length))).toEqual(new Set([1, 2]));
    expect(new Set(ps.map((p) => p.params.ts))).toEqual(new Set(["[pgd(linf, 0.1, 5)]", "[]"]));
    // One list alone is one value, not a sweep over its members.
    const single = points("epochs 6\nsweep lenet(300, 100) milestones [3, 5]");
    expect(single).toHaveLength(1);
    expect(single[0].params).toEqual({});
  });

  it("refuses a range as a list, and nested alternatives of lists", () => {
    const codes = (text: string) => analyze(text, "t.lth").diagnostics.map((d) => [d.code, d.message]);
    expect(codes("epochs 6\nsweep lenet(300, 100) milestones [2..4]")).toEqual([
      ["E033", "a range is a set of values to sweep, not a list of epochs"],
    ]);
    expect(codes("epochs 6\nsweep lenet(300, 100) milestones ([2] | [3]) | [4]")).toEqual([
      ["E033", "alternatives of lists of epochs cannot be nested"],
    ]);
  });
});
