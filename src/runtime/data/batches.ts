/**
 * Batches for training and evaluation. Training order and augmentation are
 * seeded per epoch and per step from the job's seed, so a run resumed at
 * (epoch, step) sees exactly the batches it would have seen without stopping,
 * with no need to replay earlier steps.
 */
import type { TrainTime } from "../../core/config.js";
import { deriveSeed, Rng } from "../rng.js";
import { tf } from "../tf.js";
import { augmentImage, IDENTITY, type Placement, toPixels } from "./augment.js";
import { imageSize, type Split } from "./types.js";

export interface Batch {
  /** Epoch in progress (0-based: whole epochs finished before this batch). */
  epoch: number;
  /** Index of this batch within the epoch. */
  step: number;
  /** size × h × w × c pixels in [0,1], NHWC. */
  images: Float32Array;
  labels: Int32Array;
  size: number;
  shape: [number, number, number, number];
}

export interface TrainBatchOptions {
  batchSize: number;
  /** The job's seed; the order and augmentation streams are derived from it. */
  seed: number;
  flip: boolean;
  /** Zero padding per side before the random crop (0 = no crop). */
  crop: number;
  /** Drop a final partial batch (default false: keep it, as PyTorch's DataLoader does). */
  dropLast?: boolean;
}

export function batchesPerEpoch(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** The seeded permutation of example indices for one epoch. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return Rng.derive(seed, "data-order", epoch).shuffle(order);
}

function placements(n: number, opts: TrainBatchOptions, epoch: number, step: number): Placement[] {
  if (!opts.flip && opts.crop === 0) return new Array<Placement>(n).fill(IDENTITY);
  const rng = new Rng(deriveSeed(opts.seed, "augment", epoch, step));
  const span = 2 * opts.crop + 1;
  return Array.from({ length: n }, () => ({
    flip: opts.flip ? rng.nextFloat() < 0.5 : false,
    dy: opts.crop > 0 ? rng.nextInt(span) : 0,
    dx: opts.crop > 0 ? rng.nextInt(span) : 0,
  }));
}

function gather(
  split: Split,
  shape: [number, number, number],
  indices: ArrayLike<number>,
  pad: number,
  place: Placement[] | null,
): { images: Float32Array; labels: Int32Array } {
  const size = imageSize(shape);
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let b = 0; b < indices.length; b++) {
    const idx = indices[b];
    labels[b] = split.labels[idx];
    if (place === null || place[b] === IDENTITY) {
      toPixels(split.images.subarray(idx * size, (idx + 1) * size), images, b * size);
    } else {
      augmentImage(split.images, idx * size, images, b * size, shape, pad, place[b]);
    }
  }
  return { images, labels };
}

/** The batches of one training epoch, starting at `fromStep` (for resume). */
export function* epochBatches(
  split: Split,
  shape: [number, number, number],
  opts: TrainBatchOptions,
  epoch: number,
  fromStep = 0,
): Generator<Batch> {
  const order = epochOrder(split.count, opts.seed, epoch);
  const steps = batchesPerEpoch(split.count, opts.batchSize, opts.dropLast);
  for (let step = fromStep; step < steps; step++) {
    const indices = order.subarray(step * opts.batchSize, Math.min((step + 1) * opts.batchSize, split.count));
    const { images, labels } = gather(split, shape, indices, opts.crop, placements(indices.length, opts, epoch, step));
    yield { epoch, step, images, labels, size: indices.length, shape: [indices.length, ...shape] };
  }
}

/** All training batches from `start` up to the end of epoch `endEpoch − 1`. */
export function* trainBatches(
  split: Split,
  shape: [number, number, number],
  opts: TrainBatchOptions,
  start: TrainTime,
  endEpoch: number,
): Generator<Batch> {
  for (let epoch = start.epoch; epoch < endEpoch; epoch++) {
    yield* epochBatches(split, shape, opts, epoch, epoch === start.epoch ? start.step : 0);
  }
}

/** Evaluation batches: dataset order, no augmentation. */
export function* evalBatches(split: Split, shape: [number, number, number], batchSize: number): Generator<Batch> {
  const steps = batchesPerEpoch(split.count, batchSize);
  for (let step = 0; step < steps; step++) {
    const from = step * batchSize;
    const to = Math.min(from + batchSize, split.count);
    const indices = Array.from({ length: to - from }, (_, i) => from + i);
    const { images, labels } = gather(split, shape, indices, 0, null);
    yield { epoch: 0, step, images, labels, size: to - from, shape: [to - from, ...shape] };
  }
}

/** The batch as tensors: x [n,h,w,c] float32, y [n] int32. The caller disposes them. */
export function batchTensors(batch: Batch): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return { x: tf.tensor4d(batch.images, batch.shape), y: tf.tensor1d(batch.labels, "int32") };
}
