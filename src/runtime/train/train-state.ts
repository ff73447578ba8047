/**
 * What a training run needs to continue exactly where it stopped: the time
 * (epoch, step), weights, BN running statistics, momentum buffers and the
 * metrics so far, stored in the checkpoint format of src/runtime/checkpoint
 * (LTHCKPT1, docs/checkpoints.md): momentum buffers as optimizer tensors named
 * "momentum/<param>", metrics in meta.metrics. Data order, augmentation and PGD
 * starts are pure functions of (job seed, epoch, step), so no RNG stream state
 * is needed beyond the time.
 */
import { stat } from "node:fs/promises";
import type { TrainTime } from "../../core/config.js";
import { loadCheckpoint, restoreModelWeights, saveCheckpoint } from "../checkpoint/checkpoint.js";
import type { CheckpointContents, NamedArray } from "../checkpoint/format.js";
import type { EpochMetric } from "../job-api.js";
import type { Model, ModelParam } from "../models/model.js";

const MOMENTUM = "momentum/";

export interface TrainState {
  time: TrainTime;
  params: Map<string, Float32Array>;
  state: Map<string, Float32Array>;
  /** null: a fresh optimiser (e.g. a final checkpoint kept only for its weights). */
  momentum: Map<string, Float32Array> | null;
  metrics: EpochMetric[];
  /** The checkpoint as read, for restoring a model with validation. */
  contents: CheckpointContents;
  path: string;
}

async function arrays(list: readonly ModelParam[]): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const p of list) {
    out.push({
      name: p.name,
      shape: [...p.variable.shape],
      data: Float32Array.from((await p.variable.data()) as Float32Array),
    });
  }
  return out;
}

export interface SaveSpec {
  jobId: string;
  model: Model;
  time: TrainTime;
  momentum: Map<string, Float32Array> | null;
  metrics: EpochMetric[];
}

export async function writeTrainState(path: string, s: SaveSpec): Promise<void> {
  const shapes = new Map(s.model.params.map((p) => [p.name, [...p.variable.shape]]));
  const optimizer: NamedArray[] = [];
  for (const [name, data] of s.momentum ?? []) {
    optimizer.push({ name: `${MOMENTUM}${name}`, shape: shapes.get(name) ?? [data.length], data });
  }
  await saveCheckpoint(path, {
    jobId: s.jobId,
    model: s.model.description,
    time: s.time,
    params: await arrays(s.model.params),
    state: await arrays(s.model.state),
    optimizer,
    rng: {},
    meta: { metrics: s.metrics },
  });
}

/** The saved state, or null when the file does not exist; a corrupt file is a UserError. */
export async function readTrainState(path: string): Promise<TrainState | null> {
  try {
    await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const c = await loadCheckpoint(path);
  const toMap = (list: NamedArray[]) => new Map(list.map((t) => [t.name, t.data]));
  const momentum = c.optimizer.filter((t) => t.name.startsWith(MOMENTUM));
  return {
    time: c.time,
    params: toMap(c.params),
    state: toMap(c.state),
    momentum: momentum.length === 0 ? null : new Map(momentum.map((t) => [t.name.slice(MOMENTUM.length), t.data])),
    metrics: Array.isArray(c.meta.metrics) ? (c.meta.metrics as EpochMetric[]) : [],
    contents: c,
    path,
  };
}

/** Assign the saved weights and BN statistics to the model (validated: names, shapes, model). */
export function restoreModel(model: Model, s: TrainState): void {
  restoreModelWeights(model, s.contents, s.path);
}
