/**
 * A tiny plan (LeNet on Fashion-MNIST, standard and PGD training, magnitude and
 * random pruning at two densities, two replicates) and a hand-made run store for it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { trainConfig } from "../../src/compiler/builders.js";
import { buildPlan } from "../../src/compiler/plan.js";
import type { AdversaryConfig, PruneConfig, TrainConfig } from "../../src/core/config.js";
import { adversaryKey } from "../../src/core/labels.js";
import type { Job, Plan } from "../../src/core/plan-types.js";
import type { Point } from "../../src/core/points.js";
import type { EpochMetric } from "../../src/runtime/job-api.js";
import { jobPaths } from "../../src/runtime/store/layout.js";
import { pgdLinf } from "../helpers/adversary.js";

export const PGD: AdversaryConfig = pgdLinf(0.1, 2);
export const PGD_NAME = "pgd(linf,0.1,2)";

function train(adversary: AdversaryConfig): TrainConfig {
  return trainConfig({
    dataset: { name: "fashion-mnist", trainSubset: 1000, testSubset: 200 },
    model: { kind: "lenet", hidden: [300, 100] },
    adversary,
    schedule: { epochs: 2, batch: 100, milestones: [] },
    test: [PGD],
  });
}

function prune(strategy: PruneConfig["strategy"], density: number): PruneConfig {
  return {
    strategy,
    scope: "global",
    method: "oneshot",
    fraction: 0.2,
    density,
    rewind: { epoch: 1, step: 0 },
  };
}

export const DENSITIES = [0.5, 0.25];

export function tinyPlan(): Plan {
  const points: Point[] = [];
  for (const [n, adversary] of [
    [0, { kind: "none" } as AdversaryConfig],
    [2, PGD],
  ] as const) {
    for (const strategy of ["magnitude", "random"] as const) {
      for (const w of DENSITIES) {
        for (const replicate of [1, 2]) {
          points.push({
            sweep: "tiny",
            params: { n, strategy: strategy === "magnitude" ? "global" : "random", w },
            train: train(adversary),
            prune: prune(strategy, w),
            replicate,
            tolerance: 0,
          });
        }
      }
    }
  }
  return buildPlan(points);
}

/**
 * Final accuracies (against the training adversary) by design: standard training's
 * magnitude pruning matches at both densities and random only at 0.5; PGD training
 * matches only at 0.5, where random matches too (trivial).
 */
export function finalAccuracy(job: Job): number {
  const adversarial = job.kind !== "mask" && job.config.adversary.kind === "pgd";
  const jitter = job.replicate === 1 ? 0.005 : -0.005;
  if (job.kind === "dense") return (adversarial ? 0.6 : 0.85) + jitter;
  if (job.kind !== "sparse") return 0;
  const { strategy, density } = job.config.prune;
  if (!adversarial) {
    if (strategy === "magnitude") return (density === 0.5 ? 0.87 : 0.86) + jitter;
    return (density === 0.5 ? 0.85 : 0.7) + jitter;
  }
  if (strategy === "magnitude") return (density === 0.5 ? 0.61 : 0.5) + jitter;
  return (density === 0.5 ? 0.6 : 0.4) + jitter;
}

/** Metrics for epochs 1 and 2, clean and PGD; the training adversary's final accuracy is finalAccuracy. */
export function metricsOf(job: Job): EpochMetric[] {
  if (job.kind === "mask") return [];
  const final = finalAccuracy(job);
  const adversarial = job.config.adversary.kind === "pgd";
  const metrics: EpochMetric[] = [];
  for (const epoch of [1, 2]) {
    const own = epoch === 2 ? final : final - 0.1;
    const other = adversarial ? own + 0.2 : own - 0.3;
    metrics.push({ epoch, adversary: "clean", accuracy: adversarial ? other : own, loss: 0.5 });
    const adversary = adversarial ? adversaryKey(job.config.adversary) : PGD_NAME;
    metrics.push({ epoch, adversary, accuracy: adversarial ? own : other, loss: 1.5 });
  }
  return metrics;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Writes job.json, metrics.json and result.json for every job; jobs in `unfinished` get only
 * their first epoch's metrics, and a failed status.json when `failed` is set.
 */
export async function writeStore(
  store: string,
  plan: Plan,
  unfinished: Set<string> = new Set(),
  failed = false,
): Promise<void> {
  for (const job of plan.jobs) {
    const paths = jobPaths(store, job.id);
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.job, json(job));
    const metrics = metricsOf(job);
    if (unfinished.has(job.id)) {
      await writeFile(paths.metrics, json(metrics.filter((m) => m.epoch === 1)));
      if (failed) {
        const status = { state: "failed", attempts: 1, updatedAt: "2026-01-01T00:00:00Z", reason: "diverged" };
        await writeFile(paths.status, json(status));
      }
      continue;
    }
    await writeFile(paths.metrics, json(metrics));
    const achievedDensity = job.kind === "mask" ? job.config.density + 0.0001 : null;
    await writeFile(paths.result, json({ status: "done", metrics, achievedDensity, seconds: 1 }));
  }
}
