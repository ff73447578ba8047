/**
 * The job runner's resumable training state stored in the checkpoint format: a
 * drop-in for the TrainState API of src/runtime/train/train-state.ts (same
 * shapes and function names), so the runner can write documented LTHCKPT1 files.
 * Momentum buffers are the optimizer group, named "momentum/<param>"; metrics go
 * in the header's meta.
 */
import { existsSync } from "node:fs";
import type { TrainTime } from "../../compiler/config.js";
import type { EpochMetric } from "../job-api.js";
import type { Model } from "../models/model.js";
import { expectationFor, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import type { CheckpointContents, NamedArray } from "./format.js";

export interface TrainState {
  time: TrainTime;
  params: Map<string, Float32Array>;
  state: Map<string, Float32Array>;
  /** null: a fresh optimiser (e.g. a dense checkpoint used only for its weights). */
  momentum: Map<string, Float32Array> | null;
  metrics: EpochMetric[];
}

const MOMENTUM = "momentum/";

function toArrays(values: Map<string, Float32Array>, shapes: Map<string, number[]>, prefix = ""): NamedArray[] {
  return [...values].map(([name, data]) => ({ name: prefix + name, shape: shapes.get(name) ?? [data.length], data }));
}

function toMap(list: NamedArray[], prefix = ""): Map<string, Float32Array> {
  return new Map(list.map((t) => [t.name.slice(prefix.length), t.data]));
}

export function trainStateContents(s: TrainState, model: Model, jobId = ""): CheckpointContents {
  const shapes = new Map([...model.params, ...model.state].map((p) => [p.name, [...p.variable.shape]]));
  return {
    jobId,
    model: model.description,
    time: s.time,
    params: toArrays(s.params, shapes),
    state: toArrays(s.state, shapes),
    optimizer: s.momentum === null ? [] : toArrays(s.momentum, shapes, MOMENTUM),
    rng: {},
    meta: { metrics: s.metrics, hasMomentum: s.momentum !== null },
  };
}

export async function writeTrainState(path: string, s: TrainState, model: Model, jobId = ""): Promise<void> {
  await saveCheckpoint(path, trainStateContents(s, model, jobId));
}

/**
 * The saved state, or null when the file does not exist. With `model`, a
 * checkpoint for another model is a UserError before anything is assigned.
 */
export async function readTrainState(path: string, model?: Model): Promise<TrainState | null> {
  if (!existsSync(path)) return null;
  const ckpt = await loadCheckpoint(path, model === undefined ? undefined : expectationFor(model));
  return {
    time: ckpt.time,
    params: toMap(ckpt.params),
    state: toMap(ckpt.state),
    momentum: ckpt.meta.hasMomentum === true ? toMap(ckpt.optimizer, MOMENTUM) : null,
    metrics: (ckpt.meta.metrics as EpochMetric[] | undefined) ?? [],
  };
}
