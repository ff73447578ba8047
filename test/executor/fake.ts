/** Test doubles: a tiny plan shaped like the compiler's and a JobRunner that behaves like the real one. */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TrainConfig } from "../../src/core/config.js";
import type { DenseJob, Job, MaskJob, SparseJob, WeightsRef } from "../../src/core/plan-types.js";
import { writeFileAtomic } from "../../src/runtime/atomic.js";
import type { EpochMetric, JobContext, JobOutcome, JobRunner } from "../../src/runtime/job-api.js";
import { keptCheckpointPath } from "../../src/runtime/store/layout.js";

const train: TrainConfig = {
  dataset: { name: "synthetic", flip: false, crop: 0, trainSubset: 64, testSubset: 32 },
  model: { kind: "lenet", hidden: [8] },
  adversary: { kind: "none" },
  schedule: {
    epochs: 3,
    batch: 16,
    optimizer: "sgd",
    lr: 0.1,
    momentum: 0.9,
    nesterov: false,
    weightDecay: 0,
    milestones: [],
    gamma: 0.1,
  },
  testAdversaries: [{ kind: "none" }],
};

const rewind = { epoch: 1, step: 0 };

function base(id: string, dependsOn: string[], needs: WeightsRef[]) {
  return {
    id,
    hash: id.replace(/-r\d+$/, ""),
    replicate: 1,
    dependsOn,
    needs,
    cost: { trainEpochs: 3, imagePasses: 1 },
  };
}

export function dense(id: string): DenseJob {
  return { ...base(id, [], []), kind: "dense", config: { ...structuredClone(train), keep: [rewind] } } as DenseJob;
}

export function mask(id: string, dense: string, strategy: "magnitude" | "random"): MaskJob {
  const source: WeightsRef = strategy === "random" ? { job: dense, at: rewind } : { job: dense, at: "final" };
  return {
    ...base(id, [dense], [source]),
    kind: "mask",
    config: { strategy, scope: "global", density: 0.5, source, previousMask: null, train: structuredClone(train) },
  } as MaskJob;
}

export function sparse(id: string, dense: string, maskId: string, strategy: "magnitude" | "random"): SparseJob {
  const weights: WeightsRef = { job: dense, at: rewind };
  return {
    ...base(id, [dense, maskId], [weights, { job: maskId, at: "final" }]),
    kind: "sparse",
    config: {
      ...structuredClone(train),
      prune: { strategy, scope: "global", method: "oneshot", fraction: 0.2, density: 0.5, rewind },
      mask: maskId,
      weights,
      level: 1,
    },
  } as SparseJob;
}

/** Dense D; magnitude mask M (needs D final) → sparse S; random mask R (needs D's rewind checkpoint) → sparse T. */
export function tinyPlan(prefix = ""): { jobs: Job[] } {
  const d = `${prefix}dense-r1`;
  return {
    jobs: [
      dense(d),
      mask(`${prefix}maskm-r1`, d, "magnitude"),
      mask(`${prefix}maskr-r1`, d, "random"),
      sparse(`${prefix}sparsem-r1`, d, `${prefix}maskm-r1`, "magnitude"),
      sparse(`${prefix}sparser-r1`, d, `${prefix}maskr-r1`, "random"),
    ],
  };
}

export interface FakeBehaviour {
  /** Job ids that return { status: "failed" }. */
  fail?: Set<string>;
  /** Job ids whose loss diverges: a failure that would repeat. */
  diverge?: Set<string>;
  /** Job ids whose runner throws. */
  throws?: Set<string>;
  /** Called after each epoch (await it to hold a job at a point). */
  afterEpoch?: (ctx: JobContext, epoch: number) => Promise<void> | void;
  epochMs?: number;
}

export interface FakeRunner {
  runner: JobRunner;
  /** How many times the runner was invoked, per job id. */
  calls: Map<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function metric(epoch: number, id: string): EpochMetric {
  return { epoch, adversary: "clean", accuracy: (id.length * 7 + epoch) / 100, loss: 1 / (epoch + 1) };
}

export function fakeRunner(behaviour: FakeBehaviour = {}): FakeRunner {
  const calls = new Map<string, number>();
  const runner: JobRunner = async (ctx): Promise<JobOutcome> => {
    const { job } = ctx;
    calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
    for (const dep of job.dependsOn) ctx.dependencyDir(dep);
    if (behaviour.throws?.has(job.id)) throw new Error(`boom in ${job.id}`);
    if (behaviour.fail?.has(job.id)) return { status: "failed", reason: "loss diverged (NaN) at epoch 1" };
    if (behaviour.diverge?.has(job.id)) {
      return { status: "failed", reason: "diverged (NaN loss) at epoch 1 step 3", deterministic: true };
    }
    if (job.kind === "sparse") {
      const ref = job.config.weights;
      const rewind = keptCheckpointPath(
        ctx.dependencyDir(ref.job),
        ref.at === "final" ? { epoch: 0, step: 0 } : ref.at,
      );
      if (readFileSync(rewind, "utf8") !== "weights") {
        return {
          status: "failed",
          reason: `corrupt checkpoint ${rewind} (checksum mismatch)`,
          damaged: { path: rewind, owner: ref.job },
        };
      }
    }
    // Like the real runner: a damaged checkpoint is rejected, never trained from.
    const resume = join(ctx.dir, "ckpt", "resume");
    if (existsSync(resume) && readFileSync(resume, "utf8") === "torn") {
      return {
        status: "failed",
        reason: `${resume} is not an lthc checkpoint (bad magic, expected "LTHCKPT1")`,
        damaged: { path: resume, owner: job.id },
      };
    }
    const epochs = job.kind === "mask" ? 0 : job.kind === "dense" ? 3 : 2;
    ctx.onEvent({ type: "start", jobId: job.id, epochs, batchesPerEpoch: 1, resumedFrom: null });
    const metrics: EpochMetric[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (ctx.signal.aborted) return { status: "interrupted" };
      await sleep(behaviour.epochMs ?? 1);
      metrics.push(metric(epoch, job.id));
      await writeFileAtomic(`${ctx.dir}/metrics.json`, JSON.stringify(metrics));
      ctx.onEvent({ type: "epoch", jobId: job.id, epoch, metrics: [metric(epoch, job.id)] });
      if (job.kind === "dense" && job.config.keep.some((k) => k.epoch === epoch)) {
        const path = keptCheckpointPath(ctx.dir, { epoch, step: 0 });
        await writeFileAtomic(path, "weights");
        ctx.onEvent({ type: "checkpoint", jobId: job.id, path });
      }
      await behaviour.afterEpoch?.(ctx, epoch);
    }
    if (job.kind === "mask") await writeFileAtomic(`${ctx.dir}/mask.bin`, "mask");
    return { status: "done", metrics, achievedDensity: job.kind === "dense" ? null : 0.5, seconds: 0.01 };
  };
  return { runner, calls };
}
