/** Plan invariants over many seeded random mixes of points (strategies, methods, densities, rewinds, reps). */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/compiler/plan.js";
import type { PruneConfig } from "../../src/core/config.js";
import type { Job, Plan } from "../../src/core/plan-types.js";
import type { Point } from "../../src/core/points.js";
import { pgdLinf } from "../helpers/adversary.js";
import { seededRandom } from "../helpers/random.js";
import { point, thesisTrain } from "./make-point.js";

function randomPoints(seed: number): Point[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const trains = [thesisTrain(1), thesisTrain(2), thesisTrain(1, pgdLinf(0.1, 2))];
  return Array.from({ length: 1 + Math.floor(r() * 30) }, () => {
    const prune: PruneConfig | null =
      r() < 0.1
        ? null
        : {
            strategy: pick(["magnitude", "random"] as const),
            scope: pick(["global", "layerwise"] as const),
            method: pick(["oneshot", "iterative"] as const),
            fraction: pick([0.2, 0.5]),
            density: pick([0.8, 0.64, 0.5, 0.3, 0.25, 0.1]),
            rewind: pick([
              { epoch: 0, step: 0 },
              { epoch: 2, step: 0 },
              { epoch: 1, step: 50 },
              { epoch: 8, step: 0 },
            ]),
          };
    return point({ train: pick(trains), prune, replicate: pick([1, 2]), sweep: pick(["a", "b"]) });
  });
}

function checkInvariants(plan: Plan, points: Point[]): void {
  const byId = new Map<string, Job>(plan.jobs.map((j) => [j.id, j]));
  expect(byId.size).toBe(plan.jobs.length);
  const seen = new Set<string>();
  for (const job of plan.jobs) {
    expect(job.id).toBe(`${job.kind}-${job.hash}-r${job.replicate}`);
    for (const dep of job.dependsOn) {
      expect(seen.has(dep)).toBe(true);
      expect(byId.get(dep)?.replicate).toBe(job.replicate);
    }
    for (const ref of job.needs) expect(job.dependsOn).toContain(ref.job);
    if (job.kind === "sparse") {
      const dense = byId.get(job.config.weights.job);
      expect(dense?.kind).toBe("dense");
      if (dense?.kind === "dense") expect(dense.config.keep).toContainEqual(job.config.prune.rewind);
      expect(byId.get(job.config.mask)?.kind).toBe("mask");
    }
    if (job.kind === "mask" && job.config.strategy === "random" && job.config.scope === "global") {
      expect(job.needs.every((ref) => ref.at !== "final")).toBe(true);
    }
    seen.add(job.id);
  }
  expect(plan.points).toHaveLength(points.length);
  plan.points.forEach((planned, i) => {
    expect(byId.get(planned.dense)?.kind).toBe("dense");
    expect(planned.sparse === null).toBe(points[i].prune === null);
    if (planned.sparse) expect(byId.get(planned.sparse)?.dependsOn).toContain(planned.dense);
  });
  const s = plan.summary;
  expect(s.denseRuns + s.maskJobs + s.sparseRuns).toBe(plan.jobs.length);
  expect(s.trainEpochs).toBeLessThanOrEqual(s.naiveTrainEpochs);
  expect(s.imagePasses).toBeLessThanOrEqual(s.naiveImagePasses);
}

describe("plan invariants", () => {
  it("hold for 300 random mixes of points, and plans do not depend on the order of points' jobs", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const points = randomPoints(seed);
      const plan = buildPlan(points);
      checkInvariants(plan, points);
      const reversed = buildPlan([...points].reverse());
      expect(new Set(reversed.jobs.map((j) => j.id))).toEqual(new Set(plan.jobs.map((j) => j.id)));
      expect(reversed.summary).toEqual(plan.summary);
    }
  });
});
