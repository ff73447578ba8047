/**
 * What every model offers the trainer, the attacks and the pruner. Inputs are
 * pixels in [0,1], NHWC; dataset normalisation happens inside `forward`, so
 * attacks act in pixel space.
 */
import type { tf } from "../tf.js";

export interface ModelParam {
  /** Stable, unique name, e.g. "stage2.block0.conv1.kernel"; checkpoints and masks key on it. */
  name: string;
  variable: tf.Variable;
  /** Conv and dense kernels are prunable; BN parameters and biases never are. */
  prunable: boolean;
}

/** "batch": BatchNorm normalises with the batch's statistics; "running": with the running averages. */
export type BnMode = "batch" | "running";

/** Batch moments of one BN layer, returned so the trainer can update running statistics after the step. */
export interface BatchStat {
  layer: string;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Values per channel the moments were taken over (N·H·W); when given, the running variance is unbiased with it. */
  count?: number;
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** Empty when bn is "running". Callers that keep them must tf.keep them out of any tidy. */
  batchStats: BatchStat[];
}

export interface Model {
  readonly description: string;
  /** [height, width, channels] */
  readonly inputShape: [number, number, number];
  readonly numClasses: number;
  /** Trainable parameters in a fixed order. */
  readonly params: ModelParam[];
  /** Non-trainable state (BN running mean and variance), in a fixed order. */
  readonly state: ModelParam[];
  forward(x: tf.Tensor4D, bn: BnMode): ForwardResult;
  /** Blend batch moments into the running statistics; never called during attack steps. */
  updateRunningStats(stats: BatchStat[], momentum: number): void;
  dispose(): void;
}
