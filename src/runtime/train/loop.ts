/**
 * The training loop shared by dense and sparse jobs: from a start time to the
 * end of the schedule, evaluating after every epoch, keeping checkpoints at the
 * requested times, a rolling resume checkpoint at every epoch end (and on
 * abort), and a final checkpoint. Everything random is a function of
 * (seed, epoch, step), so a resumed run repeats the uninterrupted one exactly.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { TrainConfig, TrainTime } from "../../core/config.js";
import { writeFileAtomic } from "../atomic.js";
import { type Batch, batchesPerEpoch, batchTensors, evalBatches, trainBatches } from "../data/batches.js";
import type { Dataset } from "../data/types.js";
import type { EpochMetric, JobContext } from "../job-api.js";
import type { Model } from "../models/model.js";
import { deriveSeed } from "../rng.js";
import { finalCheckpointPath, keptCheckpointPath } from "../store/layout.js";

import { tf } from "../tf.js";
import { evaluate } from "./evaluate.js";
import { learningRate, Sgd } from "./sgd.js";
import { adversarialTrainStep, type MaskTensors } from "./step.js";
import { writeTrainState } from "./train-state.js";

/** At most this many batch events per second. */
const EVENTS_PER_SECOND = 4;

export class Diverged extends Error {}

export function resumeCheckpointPath(dir: string): string {
  return join(dir, "ckpt", "resume");
}

/** The checkpoint a WeightsRef points at inside its job's directory. */
export function checkpointPathAt(dir: string, at: TrainTime | "final"): string {
  return at === "final" ? finalCheckpointPath(dir) : keptCheckpointPath(dir, at);
}

export interface LoopSpec {
  ctx: JobContext;
  config: TrainConfig;
  data: Dataset;
  model: Model;
  /** Job seed: data order, augmentation and PGD starts derive from it. */
  seed: number;
  masks: MaskTensors | null;
  /** Where training (re)starts, with the optimiser state (null = fresh momentum) and metrics so far. */
  start: TrainTime;
  momentum: Map<string, Float32Array> | null;
  metrics: EpochMetric[];
  /** Times at which to keep a checkpoint (dense runs' rewind points). */
  keep: TrainTime[];
  /** Which checkpoint this attempt continues from, for the start event (null = a fresh start). */
  resumedFrom: string | null;
}

export type LoopResult = { status: "done"; metrics: EpochMetric[] } | { status: "interrupted" };

/** Training images per second over a window, reported at most EVENTS_PER_SECOND times a second. */
class Throughput {
  private windowStart = performance.now();
  private lastReport = 0;
  private images = 0;

  restart(): void {
    this.windowStart = performance.now();
    this.images = 0;
  }

  /** Count a batch; the rate when an event is due (or forced), else null. */
  add(images: number, force: boolean): number | null {
    this.images += images;
    const t = performance.now();
    if (!force && t - this.lastReport < 1000 / EVENTS_PER_SECOND) return null;
    const rate = (this.images * 1000) / Math.max(t - this.windowStart, 1e-3);
    this.lastReport = t;
    this.restart();
    return rate;
  }
}

function sameTime(a: TrainTime, b: TrainTime): boolean {
  return a.epoch === b.epoch && a.step === b.step;
}

/** The (epoch, step) a keep time refers to once steps beyond an epoch roll over. */
function normalise(t: TrainTime, bpe: number): TrainTime {
  return { epoch: t.epoch + Math.floor(t.step / bpe), step: t.step % bpe };
}

export async function trainLoop(spec: LoopSpec): Promise<LoopResult> {
  const { ctx, config, data, model, seed, masks } = spec;
  const { epochs, batch } = config.schedule;
  const bpe = batchesPerEpoch(data.train.count, batch);
  const optimizer = Sgd.fromSchedule(model.params, config.schedule);
  if (spec.momentum !== null) optimizer.importState(spec.momentum);
  const metrics = [...spec.metrics];
  const jobId = ctx.job.id;
  const save = async (path: string, time: TrainTime, withMomentum: boolean) => {
    const momentum = withMomentum ? await optimizer.exportState() : null;
    await writeTrainState(path, { jobId, model, time, momentum, metrics });
    ctx.onEvent({ type: "checkpoint", jobId, path });
  };
  /** Save the keep checkpoints due at t; true when any was written. */
  const keepAt = async (t: TrainTime): Promise<boolean> => {
    const due = spec.keep.filter((k) => sameTime(normalise(k, bpe), t));
    for (const k of due) await save(keptCheckpointPath(ctx.dir, k), k, true);
    return due.length > 0;
  };
  try {
    ctx.onEvent({
      type: "start",
      jobId,
      epochs,
      batchesPerEpoch: bpe,
      resumedFrom: spec.resumedFrom,
    });
    const opts = { batchSize: batch, seed, flip: config.dataset.flip, crop: config.dataset.crop };
    const rate = new Throughput();
    let lastResume: TrainTime | null = null;
    for (const b of trainBatches(data.train, data.shape, opts, spec.start, epochs)) {
      const now: TrainTime = { epoch: b.epoch, step: b.step };
      if (await keepAt(now)) rate.restart();
      if (ctx.signal.aborted) {
        // An abort during the epoch-end evaluation finds the resume checkpoint of this very time already written.
        if (!(lastResume !== null && sameTime(lastResume, now))) await save(resumeCheckpointPath(ctx.dir), now, true);
        return { status: "interrupted" };
      }
      const loss = step(model, optimizer, masks, config, b, seed);
      if (!Number.isFinite(loss)) throw new Diverged(`diverged (NaN loss) at epoch ${b.epoch + 1} step ${b.step + 1}`);
      const imagesPerSec = rate.add(b.size, b.step === bpe - 1);
      if (imagesPerSec !== null) {
        ctx.onEvent({ type: "batch", jobId, epoch: b.epoch + 1, batch: b.step + 1, batches: bpe, imagesPerSec, loss });
      }
      if (b.step === bpe - 1) {
        const epochMetrics = evaluateEpoch(model, config, data, seed, b.epoch + 1);
        metrics.push(...epochMetrics);
        await writeFileAtomic(join(ctx.dir, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
        ctx.onEvent({ type: "epoch", jobId, epoch: b.epoch + 1, metrics: epochMetrics });
        lastResume = { epoch: b.epoch + 1, step: 0 };
        await save(resumeCheckpointPath(ctx.dir), lastResume, true);
        // Evaluation and checkpointing are not training throughput.
        rate.restart();
      }
    }
    await keepAt({ epoch: epochs, step: 0 });
    await save(finalCheckpointPath(ctx.dir), { epoch: epochs, step: 0 }, false);
    // The final checkpoint answers a restart now (it holds the metrics); drop the large resume file.
    await rm(resumeCheckpointPath(ctx.dir), { force: true });
    return { status: "done", metrics };
  } finally {
    optimizer.dispose();
  }
}

function step(
  model: Model,
  optimizer: Sgd,
  masks: MaskTensors | null,
  config: TrainConfig,
  b: Batch,
  seed: number,
): number {
  const { x, y } = batchTensors(b);
  try {
    const lr = learningRate(config.schedule, b.epoch);
    return adversarialTrainStep(
      { model, optimizer, lr, masks },
      x,
      y,
      config.adversary,
      deriveSeed(seed, "pgd", b.epoch, b.step),
    );
  } finally {
    tf.dispose([x, y]);
  }
}

/** Test-set metrics after `epoch` epochs, per test adversary (clean first). */
export function evaluateEpoch(
  model: Model,
  config: TrainConfig,
  data: Dataset,
  seed: number,
  epoch: number,
): EpochMetric[] {
  const batches = () => {
    // The training batch size: PGD evaluation needs about a training step's memory (wasm caps it at 4 GiB).
    const it = evalBatches(data.test, data.shape, config.schedule.batch);
    return (function* () {
      for (const b of it) yield batchTensors(b);
    })();
  };
  const results = evaluate(model, batches, config.testAdversaries, (b, a) => deriveSeed(seed, "eval-pgd", epoch, a, b));
  return results.map((r) => ({ epoch, adversary: r.adversary, accuracy: r.accuracy, loss: r.loss }));
}
