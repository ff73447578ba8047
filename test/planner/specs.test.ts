/** The plans of the shipped specs: Table A.1 (specs/thesis.lth) and Table A.2 (specs/rewind.lth). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";
import type { DenseJob, Plan } from "../../src/core/plan-types.js";

function planOf(file: string): Plan {
  const result = analyze(readFileSync(file, "utf8"), file);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return buildPlan(result.points);
}

describe("specs/thesis.lth (Table A.1)", () => {
  it("shares one dense run per (k, n, replicate) across every density and strategy", () => {
    const { summary, jobs } = planOf("specs/thesis.lth");
    // k ∈ {1, 8} × n ∈ {0, 1, 2, 4, 8} × 2 replicates; each dense run serves (densities × 2 strategies) points
    expect(summary.denseRuns).toBe(2 * 5 * 2);
    expect(summary.points % (summary.denseRuns * 2)).toBe(0);
    expect(summary.sparseRuns).toBe(summary.points);
    expect(summary.maskJobs).toBe(summary.points);
    expect(summary.trainEpochs).toBe(20 * 160 + summary.points * (160 - 8));
    expect(summary.naiveTrainEpochs).toBe(summary.points * (160 + 152));
    const dense = jobs.filter((j): j is DenseJob => j.kind === "dense");
    for (const d of dense) expect(d.config.keep).toEqual([{ epoch: 8, step: 0 }]);
    const standard = dense.filter((d) => d.config.adversary.kind === "none" || d.config.adversary.steps === 0);
    expect(standard).toHaveLength(4);
  });
});

describe("specs/rewind.lth (Table A.2)", () => {
  it("one dense run per replicate keeps all nine rewind checkpoints; magnitude masks are shared by rewinds", () => {
    const { summary, jobs } = planOf("specs/rewind.lth");
    expect(summary).toMatchObject({ points: 216, denseRuns: 4, sparseRuns: 216 });
    // per replicate: 3 magnitude masks (shared by all rewinds) + 3 × 9 random masks (one per rewind)
    expect(summary.maskJobs).toBe(4 * (3 + 27));
    const rewinds = [0, 1, 2, 4, 8, 16, 32, 64, 128];
    const sparseEpochs = rewinds.reduce((sum, r) => sum + (160 - r), 0);
    expect(summary.trainEpochs).toBe(4 * 160 + 4 * 6 * sparseEpochs);
    expect(summary.naiveTrainEpochs).toBe(216 * 160 + 4 * 6 * sparseEpochs);
    const dense = jobs.filter((j): j is DenseJob => j.kind === "dense");
    for (const d of dense) expect(d.config.keep).toEqual(rewinds.map((epoch) => ({ epoch, step: 0 })));
  });
});
