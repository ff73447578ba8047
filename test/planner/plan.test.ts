import { describe, expect, it } from "vitest";
import { buildPlan, impLevelDensities } from "../../src/compiler/plan.js";
import type { DenseJob, Job, MaskJob, Plan, SparseJob } from "../../src/core/plan-types.js";
import { pgdLinf } from "../helpers/adversary.js";
import { CLEAN, oneShot, point, thesisTrain, verbatimPoints } from "./make-point.js";

function job(plan: Plan, id: string | null): Job {
  const found = plan.jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
}
const dense = (plan: Plan, id: string | null) => job(plan, id) as DenseJob;
const sparse = (plan: Plan, id: string | null) => job(plan, id) as SparseJob;
const mask = (plan: Plan, id: string | null) => job(plan, id) as MaskJob;
const ofKind = <K extends Job["kind"]>(plan: Plan, kind: K) =>
  plan.jobs.filter((j): j is Extract<Job, { kind: K }> => j.kind === kind);

describe("job identities", () => {
  it("are stable across builds and independent of key order", () => {
    const a = buildPlan([point()]);
    const p = point();
    const train = Object.fromEntries(Object.entries(p.train).reverse()) as typeof p.train;
    const reordered = { ...p, train };
    const b = buildPlan([reordered]);
    expect(b.jobs.map((j) => j.id)).toEqual(a.jobs.map((j) => j.id));
    expect(a.jobs[0].id).toMatch(/^dense-[0-9a-f]{16}-r1$/);
  });

  it("are unique per job and change with anything that changes results", () => {
    const base = buildPlan([point()]);
    const variants = [
      point({ train: thesisTrain(2) }),
      point({ train: thesisTrain(1, pgdLinf(0.1, 2)) }),
      point({ train: { ...thesisTrain(), dataset: { ...thesisTrain().dataset, trainSubset: 1000 } } }),
      point({ train: { ...thesisTrain(), dataset: { ...thesisTrain().dataset, flip: false } } }),
      point({ train: { ...thesisTrain(), schedule: { ...thesisTrain().schedule, lr: 0.05 } } }),
      point({ train: { ...thesisTrain(), testAdversaries: [CLEAN] } }),
    ];
    for (const variant of variants) {
      const plan = buildPlan([variant]);
      expect(plan.points[0].dense).not.toBe(base.points[0].dense);
      expect(plan.points[0].sparse).not.toBe(base.points[0].sparse);
    }
    const rewound = buildPlan([point({ prune: oneShot("magnitude", 0.64, 4) })]);
    expect(rewound.points[0].dense).toBe(base.points[0].dense);
    expect(rewound.points[0].sparse).not.toBe(base.points[0].sparse);
    const ids = buildPlan(verbatimPoints()).jobs.map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keep the replicate outside the hash", () => {
    const plan = buildPlan([point({ replicate: 1 }), point({ replicate: 2 })]);
    const [r1, r2] = plan.points;
    expect(r1.dense).not.toBe(r2.dense);
    expect(dense(plan, r1.dense).hash).toBe(dense(plan, r2.dense).hash);
    expect(sparse(plan, r1.sparse).hash).toBe(sparse(plan, r2.sparse).hash);
    expect(r2.sparse).toMatch(/-r2$/);
    expect(plan.jobs.every((j) => j.id === `${j.kind}-${j.hash}-r${j.replicate}`)).toBe(true);
  });

  it("ignore sweep names, params, tolerance and the order of test adversaries", () => {
    const p = point();
    const other = point({
      sweep: "other",
      params: { w: 0.64 },
      tolerance: 1,
      train: { ...p.train, testAdversaries: [...p.train.testAdversaries].reverse() },
    });
    const plan = buildPlan([p, other]);
    expect(plan.points[1].dense).toBe(plan.points[0].dense);
    expect(plan.points[1].sparse).toBe(plan.points[0].sparse);
    expect(plan.summary).toMatchObject({ points: 2, denseRuns: 1, sparseRuns: 1, maskJobs: 1 });
    expect(plan.points[1]).toMatchObject({ sweep: "other", tolerance: 1 });
  });

  it("treat densities that differ only by rounding as one", () => {
    const plan = buildPlan([
      point({ prune: oneShot("magnitude", 0.8 ** 2) }),
      point({ prune: oneShot("magnitude", 0.64) }),
    ]);
    expect(plan.summary.sparseRuns).toBe(1);
  });
});

describe("sharing", () => {
  it("one dense run serves every density, strategy and rewind, keeping the rewind checkpoints", () => {
    const points = [8, 2, 8, 0].flatMap((rewind) =>
      (["magnitude", "random"] as const).map((s) => point({ prune: oneShot(s, 0.5, rewind) })),
    );
    const plan = buildPlan(points);
    expect(plan.summary.denseRuns).toBe(1);
    expect(ofKind(plan, "dense")[0].config.keep).toEqual([
      { epoch: 0, step: 0 },
      { epoch: 2, step: 0 },
      { epoch: 8, step: 0 },
    ]);
  });

  it("keeps iteration rewinds sorted within an epoch", () => {
    const at = (epoch: number, step: number) => ({ ...oneShot("magnitude", 0.5), rewind: { epoch, step } });
    const plan = buildPlan([point({ prune: at(1, 500) }), point({ prune: at(1, 20) }), point({ prune: at(0, 0) })]);
    expect(ofKind(plan, "dense")[0].config.keep).toEqual([
      { epoch: 0, step: 0 },
      { epoch: 1, step: 20 },
      { epoch: 1, step: 500 },
    ]);
  });

  it("magnitude masks read the dense run's final weights and are shared by every rewind", () => {
    const plan = buildPlan([0, 2, 8].map((r) => point({ prune: oneShot("magnitude", 0.3, r) })));
    const masks = ofKind(plan, "mask");
    expect(masks).toHaveLength(1);
    expect(masks[0].config.source).toEqual({ job: plan.points[0].dense, at: "final" });
    expect(masks[0].needs).toEqual([{ job: plan.points[0].dense, at: "final" }]);
    expect(plan.summary.sparseRuns).toBe(3);
  });

  it("global random masks need only the rewind checkpoint", () => {
    const plan = buildPlan([point({ prune: oneShot("random", 0.3, 8) })]);
    const m = ofKind(plan, "mask")[0];
    const at = { epoch: 8, step: 0 };
    expect(m.config).toMatchObject({ strategy: "random", scope: "global", previousMask: null });
    expect(m.needs).toEqual([{ job: plan.points[0].dense, at }]);
    const s = sparse(plan, plan.points[0].sparse);
    expect(s.needs).toEqual([
      { job: plan.points[0].dense, at },
      { job: m.id, at: "final" },
    ]);
    expect(s.needs.some((ref) => ref.at === "final" && ref.job === plan.points[0].dense)).toBe(false);
  });

  it("layerwise random masks keep the per-layer counts of the global magnitude mask", () => {
    const prune = { ...oneShot("random", 0.3), scope: "layerwise" as const };
    const plan = buildPlan([point({ prune }), point({ prune: oneShot("magnitude", 0.3) })]);
    expect(plan.summary.maskJobs).toBe(2);
    const random = mask(plan, sparse(plan, plan.points[0].sparse).config.mask);
    const magnitude = mask(plan, sparse(plan, plan.points[1].sparse).config.mask);
    expect(random.config.countsFrom).toBe(magnitude.id);
    expect(random.dependsOn).toContain(magnitude.id);
    expect(random.config.source).toEqual(magnitude.config.source);
    expect(random.needs).toContainEqual({ job: magnitude.id, at: "final" });
    expect(magnitude.config).not.toHaveProperty("countsFrom");
  });

  it("sparse jobs read the dense checkpoint at the rewind point and their mask", () => {
    const plan = buildPlan([point({ prune: oneShot("magnitude", 0.3, 4) })]);
    const s = sparse(plan, plan.points[0].sparse);
    expect(s.config.weights).toEqual({ job: plan.points[0].dense, at: { epoch: 4, step: 0 } });
    expect(s.dependsOn).toEqual([plan.points[0].dense, s.config.mask]);
    expect(s.config.level).toBe(1);
    expect(s.cost.trainEpochs).toBe(156);
  });

  it("points without pruning need only their dense run", () => {
    const plan = buildPlan([point({ prune: null })]);
    expect(plan.points[0].sparse).toBeNull();
    expect(plan.summary).toMatchObject({ denseRuns: 1, sparseRuns: 0, maskJobs: 0, trainEpochs: 160 });
    expect(ofKind(plan, "dense")[0].config.keep).toEqual([]);
  });
});

describe("iterative magnitude pruning", () => {
  const imp = (density: number) => ({ ...oneShot("magnitude", density), method: "iterative" as const });

  it("level densities are (1-f)^L up to the requested density", () => {
    expect(impLevelDensities(0.2, 0.8 ** 3)).toEqual([0.8, 0.64, 0.512]);
    expect(impLevelDensities(0.2, 0.5)).toEqual([0.8, 0.64, 0.512, 0.5]);
    expect(impLevelDensities(0.5, 1)).toEqual([1]);
    expect(impLevelDensities(0.5, 0)).toEqual([0]);
  });

  it("builds a chain dense → mask1 → sparse1 → mask2 → sparse2 …", () => {
    const plan = buildPlan([point({ prune: imp(0.512) })]);
    expect(plan.summary).toMatchObject({ denseRuns: 1, maskJobs: 3, sparseRuns: 3 });
    const last = sparse(plan, plan.points[0].sparse);
    expect(last.config.level).toBe(3);
    const m3 = mask(plan, last.config.mask);
    expect(m3.config.density).toBe(0.512);
    const s2 = sparse(plan, m3.config.source.job);
    expect(m3.config.source.at).toBe("final");
    expect(s2.config.level).toBe(2);
    expect(m3.config.previousMask).toBe(s2.config.mask);
    const m1 = mask(plan, sparse(plan, mask(plan, s2.config.mask).config.source.job).config.mask);
    expect(m1.config).toMatchObject({
      density: 0.8,
      previousMask: null,
      source: { job: plan.points[0].dense, at: "final" },
    });
  });

  it("points at different levels share the chain prefix", () => {
    const plan = buildPlan([2, 4, 3].map((l) => point({ prune: imp(0.8 ** l) })));
    expect(plan.summary).toMatchObject({ points: 3, denseRuns: 1, maskJobs: 4, sparseRuns: 4 });
    expect(plan.points.map((p) => sparse(plan, p.sparse).config.level)).toEqual([2, 4, 3]);
    // naive: each point trains dense plus its own chain of L sparse runs
    expect(plan.summary.trainEpochs).toBe(160 + 4 * 152);
    expect(plan.summary.naiveTrainEpochs).toBe(3 * 160 + (2 + 4 + 3) * 152);
  });

  it("a layerwise random baseline for IMP takes the counts of the matching IMP level", () => {
    const random = { ...imp(0.64), strategy: "random" as const, scope: "layerwise" as const };
    const plan = buildPlan([point({ prune: random }), point({ prune: imp(0.64) })]);
    const r = mask(plan, sparse(plan, plan.points[0].sparse).config.mask);
    const m2 = mask(plan, sparse(plan, plan.points[1].sparse).config.mask);
    expect(r.config).toMatchObject({ strategy: "random", scope: "layerwise", density: 0.64, countsFrom: m2.id });
    expect(r.config.source).toEqual(m2.config.source);
    expect(r.config.previousMask).toBe(m2.config.previousMask);
    expect(sparse(plan, plan.points[0].sparse).config.level).toBe(2);
    expect(plan.summary).toMatchObject({ maskJobs: 3, sparseRuns: 3 });
  });

  it("shares level 1's mask with one-shot pruning at the same density", () => {
    const plan = buildPlan([point({ prune: imp(0.64) }), point({ prune: oneShot("magnitude", 0.8) })]);
    expect(plan.summary.maskJobs).toBe(2);
  });
});

describe("plan shape", () => {
  it("lists jobs in topological order", () => {
    const layerwise = { ...oneShot("random", 0.3), scope: "layerwise" as const, method: "iterative" as const };
    const plan = buildPlan([point({ prune: layerwise }), ...verbatimPoints().slice(0, 40)]);
    const seen = new Set<string>();
    for (const j of plan.jobs) {
      for (const dep of j.dependsOn) expect(seen.has(dep)).toBe(true);
      for (const ref of j.needs) expect(seen.has(ref.job)).toBe(true);
      seen.add(j.id);
    }
  });

  it("summarises the verbatim one-liner: 480 points, 16 dense runs, 480 sparse runs", () => {
    const plan = buildPlan(verbatimPoints());
    const s = plan.summary;
    expect(s).toMatchObject({ points: 480, denseRuns: 16, sparseRuns: 480, maskJobs: 480 });
    expect(s.trainEpochs).toBe(16 * 160 + 480 * 152);
    expect(s.naiveTrainEpochs).toBe(480 * (160 + 152));
    for (const value of Object.values(s)) expect(Number.isInteger(value)).toBe(true);
    // PGD-n: 50k train images × (n+2), 10k test images × (1/3 clean + n+1 adversarial), per epoch
    const perEpoch = (n: number) => 50_000 * (n + 2) + 10_000 * (1 / 3 + n + 1);
    const expected = [1, 2, 4, 8].reduce((sum, n) => sum + 2 * 2 * (160 + 30 * 152) * perEpoch(n), 0);
    expect(Math.abs(s.imagePasses - expected)).toBeLessThan(1000);
    expect(s.naiveImagePasses).toBeGreaterThan(s.imagePasses);
    for (const d of ofKind(plan, "dense")) expect(d.config.keep).toEqual([{ epoch: 8, step: 0 }]);
  });

  it("counts partial epochs when the rewind is in iterations", () => {
    const prune = { ...oneShot("magnitude", 0.5), rewind: { epoch: 0, step: 196 } };
    const plan = buildPlan([point({ prune })]);
    // 50,000 / 128 → 391 batches per epoch; 196 of them is about half an epoch
    expect(sparse(plan, plan.points[0].sparse).cost.trainEpochs).toBeCloseTo(160 - 196 / 391, 5);
    expect(plan.summary.trainEpochs).toBe(Math.round(160 + 160 - 196 / 391));
  });

  it("is plain JSON", () => {
    const plan = buildPlan(verbatimPoints().slice(0, 8));
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
