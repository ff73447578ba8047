/**
 * The training engine's JobRunner: dense runs, mask computation and sparse
 * (rewound) runs, each resumable from its job directory. The executor has
 * initialised the tfjs backend before calling it.
 */
import { join, resolve, sep } from "node:path";
import type { DenseJob, MaskJob, SparseJob } from "../core/plan-types.js";
import { UserError } from "../core/user-error.js";
import { DamagedFile } from "./damaged-file.js";
import { loadDataset } from "./data/load.js";
import type { Dataset } from "./data/types.js";
import type { EpochMetric, JobContext, JobOutcome, JobRunner, LayerDensity } from "./job-api.js";
import { buildModel } from "./models/build.js";
import type { Model } from "./models/model.js";
import { maskTensors, prunableShapes, prunableWeights } from "./prune/apply.js";
import {
  achievedDensity,
  emptiedLayers,
  layerDensities,
  layerwiseMagnitudeMask,
  type Mask,
  magnitudeMask,
  randomGlobalMask,
  shuffleWithinLayers,
} from "./prune/mask.js";
import { readMask, writeMask } from "./prune/mask-file.js";
import { deriveSeed } from "./rng.js";
import { finalCheckpointPath } from "./store/layout.js";
import { tf } from "./tf.js";
import { checkpointPathAt, Diverged, resumeCheckpointPath, trainLoop } from "./train/loop.js";
import { applyMasks } from "./train/step.js";
import { readTrainState, restoreModel, type TrainState } from "./train/train-state.js";

/** The job's seed: its config hash and replicate (open_lth keeps the replicate outside the hash). */
export function jobSeed(job: { hash: string; replicate: number }): number {
  return deriveSeed(job.hash, job.replicate);
}

export const runJob: JobRunner = async (ctx) => {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const job = ctx.job;
    if (job.kind === "mask") return { ...(await runMaskJob(ctx, job)), seconds: seconds() };
    const result = job.kind === "dense" ? await runDense(ctx, job) : await runSparse(ctx, job);
    if (result.status === "interrupted") return result;
    return { status: "done", metrics: result.metrics, achievedDensity: result.density, seconds: seconds() };
  } catch (e) {
    // Training is deterministic given the job's seed, so a diverged run diverges again; a user error may be fixed.
    if (e instanceof Diverged) return { status: "failed", reason: e.message, deterministic: true };
    if (e instanceof DamagedFile) {
      const owner = ownerOf(ctx, e.path);
      return { status: "failed", reason: e.message, ...(owner ? { damaged: { path: e.path, owner } } : {}) };
    }
    if (e instanceof UserError) return { status: "failed", reason: e.message };
    throw e;
  }
};

/** The job (this one or a dependency) whose directory holds `path`, or null for a file outside them. */
function ownerOf(ctx: JobContext, path: string): string | null {
  const full = resolve(path);
  const inside = (dir: string) => full.startsWith(resolve(dir) + sep);
  if (inside(ctx.dir)) return ctx.job.id;
  return ctx.job.dependsOn.find((dep) => inside(ctx.dependencyDir(dep))) ?? null;
}

type TrainOutcome = { status: "done"; metrics: EpochMetric[]; density: number | null } | { status: "interrupted" };

function describe(s: TrainState): string {
  return `${s.path} (epoch ${s.time.epoch} step ${s.time.step})`;
}

async function requiredState(path: string, what: string): Promise<TrainState> {
  const s = await readTrainState(path);
  if (s === null) throw new UserError(`${what} not found: ${path}`, "run the job that produces it first");
  return s;
}

async function withModel<T>(
  job: { config: { model: DenseJob["config"]["model"] } },
  data: Dataset,
  seed: number,
  f: (m: Model) => Promise<T>,
): Promise<T> {
  const model = buildModel(job.config.model, data, deriveSeed(seed, "init"));
  try {
    return await f(model);
  } finally {
    model.dispose();
  }
}

/**
 * A job whose final checkpoint exists finished training (only the executor's
 * result file may be missing): answer from the checkpoint instead of retraining.
 */
async function finished(ctx: JobContext): Promise<EpochMetric[] | null> {
  const final = await readTrainState(finalCheckpointPath(ctx.dir));
  return final === null ? null : final.metrics;
}

async function runDense(ctx: JobContext, job: DenseJob): Promise<TrainOutcome> {
  const already = await finished(ctx);
  if (already !== null) return { status: "done", metrics: already, density: null };
  const seed = jobSeed(job);
  const data = await loadDataset(job.config.dataset);
  return withModel(job, data, seed, async (model) => {
    const resume = await readTrainState(resumeCheckpointPath(ctx.dir));
    if (resume !== null) restoreModel(model, resume);
    const r = await trainLoop({
      ctx,
      config: job.config,
      data,
      model,
      seed,
      masks: null,
      start: resume?.time ?? { epoch: 0, step: 0 },
      momentum: resume?.momentum ?? null,
      metrics: resume?.metrics ?? [],
      keep: job.config.keep,
      resumedFrom: resume === null ? null : describe(resume),
    });
    return r.status === "done" ? { ...r, density: null } : r;
  });
}

async function runSparse(ctx: JobContext, job: SparseJob): Promise<TrainOutcome> {
  const seed = jobSeed(job);
  const data = await loadDataset(job.config.dataset);
  const mask = await readMask(maskFile(ctx.dependencyDir(job.config.mask)));
  const already = await finished(ctx);
  if (already !== null) return { status: "done", metrics: already, density: achievedDensity(mask) };
  return withModel(job, data, seed, async (model) => {
    const resumePath = resumeCheckpointPath(ctx.dir);
    let start = await readTrainState(resumePath);
    let fresh = false;
    if (start === null) {
      const ref = job.config.weights;
      start = await requiredState(checkpointPathAt(ctx.dependencyDir(ref.job), ref.at), "rewind checkpoint");
      fresh = true;
    }
    restoreModel(model, start);
    const masks = maskTensors(model, mask);
    try {
      // m ⊙ θ_r; rewinding restarts the optimiser with fresh momentum and no metrics.
      applyMasks(model, masks);
      const r = await trainLoop({
        ctx,
        config: job.config,
        data,
        model,
        seed,
        masks,
        start: start.time,
        momentum: fresh ? null : start.momentum,
        metrics: fresh ? [] : start.metrics,
        keep: [],
        resumedFrom: fresh ? null : describe(start),
      });
      return r.status === "done" ? { ...r, density: achievedDensity(mask) } : r;
    } finally {
      tf.dispose([...masks.values()]);
    }
  });
}

/** "0.24%" (3 significant digits), "0%" for an emptied layer. */
function layerPercent(l: LayerDensity): string {
  return `${l.total === 0 ? 100 : Number(((l.kept / l.total) * 100).toPrecision(3))}%`;
}

async function runMaskJob(
  ctx: JobContext,
  job: MaskJob,
): Promise<Omit<Extract<JobOutcome, { status: "done" }>, "seconds">> {
  const c = job.config;
  const seed = deriveSeed(job.id, "mask");
  const mask = await computeMask(ctx, c, seed);
  await writeMask(maskFile(ctx.dir), mask);
  const density = achievedDensity(mask);
  const layers = layerDensities(mask);
  const perLayer = layers.map((l) => `${l.layer} ${layerPercent(l)}`).join(", ");
  ctx.onEvent({
    type: "log",
    jobId: job.id,
    message: `mask at density ${density.toFixed(4)} (requested ${c.density}); per layer: ${perLayer}`,
  });
  for (const l of emptiedLayers(layers)) {
    ctx.onEvent({
      type: "log",
      jobId: job.id,
      message:
        `warning: layer collapse: the mask keeps 0 of ${l.layer}'s ${l.total} weights, so the network's output ` +
        "no longer depends on its input; accuracy at this density is that of a constant",
    });
  }
  return { status: "done", metrics: [], achievedDensity: density, layers };
}

async function computeMask(ctx: JobContext, c: MaskJob["config"], seed: number): Promise<Mask> {
  const readDependencyMask = (id: string) => readMask(maskFile(ctx.dependencyDir(id)));
  if (c.strategy === "random" && c.scope === "layerwise" && c.countsFrom !== undefined) {
    // open_lth's layerwise baseline: the global magnitude mask's per-layer counts, positions shuffled.
    return shuffleWithinLayers(await readDependencyMask(c.countsFrom), seed);
  }
  const previous = c.previousMask === null ? null : await readDependencyMask(c.previousMask);
  const data = await loadDataset(c.train.dataset);
  return withModel({ config: c.train }, data, seed, async (model): Promise<Mask> => {
    if (c.strategy === "random" && c.scope === "global")
      return randomGlobalMask(prunableShapes(model), c.density, seed, previous);
    const source = await requiredState(
      checkpointPathAt(ctx.dependencyDir(c.source.job), c.source.at),
      "source checkpoint",
    );
    restoreModel(model, source);
    const weights = await prunableWeights(model);
    if (c.strategy === "magnitude" && c.scope === "layerwise")
      return layerwiseMagnitudeMask(weights, c.density, previous);
    const magnitude = magnitudeMask(weights, c.density, previous);
    // Random layerwise without a counts mask: recompute the global magnitude mask, then shuffle.
    return c.strategy === "random" ? shuffleWithinLayers(magnitude, seed) : magnitude;
  });
}

/** mask.bin inside a mask job's directory (the run-store layout's name). */
export function maskFile(jobDir: string): string {
  return join(jobDir, "mask.bin");
}
