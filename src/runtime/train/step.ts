/**
 * One optimisation step, standard or adversarial. The order is the science:
 * forward with batch statistics → CE → gradients → zero the gradients of pruned
 * weights → SGD → re-apply the mask (pruned weights stay exactly 0) → blend the
 * step's batch moments into the BN running statistics.
 */
import type { AdversaryConfig } from "../../core/config.js";
import { crossEntropy } from "../attack/loss.js";
import { attackBnMode, isAttack, pgdAttack, predictedLabels } from "../attack/pgd.js";
import type { BatchStat, Model } from "../models/model.js";
import { tf } from "../tf.js";
import type { Sgd } from "./sgd.js";

/** PyTorch's BatchNorm momentum: running ← (1 − m)·running + m·batch. */
export const BN_MOMENTUM = 0.1;

/** 0/1 float tensors by variable name, for the prunable parameters that have a mask. */
export type MaskTensors = Map<string, tf.Tensor>;

export interface StepContext {
  model: Model;
  optimizer: Sgd;
  lr: number;
  masks: MaskTensors | null;
}

/** Set pruned weights to exactly zero. */
export function applyMasks(model: Model, masks: MaskTensors | null): void {
  if (masks === null) return;
  for (const p of model.params) {
    const m = masks.get(p.variable.name);
    if (m !== undefined) tf.tidy(() => p.variable.assign(tf.mul(p.variable, m)));
  }
}

/** One SGD update on (x, y); returns the batch's mean loss (NaN/Inf propagate to the caller). */
export function trainStep(ctx: StepContext, x: tf.Tensor4D, y: tf.Tensor1D): number {
  const { model, optimizer, lr, masks } = ctx;
  let stats: BatchStat[] = [];
  const vars = model.params.map((p) => p.variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(x, "batch");
    // The gradient pass runs f in a tidy: keep the moments to update running stats after the step.
    stats = out.batchStats.map((s) => ({ ...s, mean: tf.keep(s.mean), variance: tf.keep(s.variance) }));
    return crossEntropy(out.logits, y);
  }, vars);
  try {
    const masked = maskGrads(grads, masks);
    optimizer.step(masked, lr);
    if (masked !== grads) tf.dispose(Object.values(masked));
    applyMasks(model, masks);
    if (stats.length > 0) model.updateRunningStats(stats, BN_MOMENTUM);
    return value.dataSync()[0];
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
    for (const s of stats) tf.dispose([s.mean, s.variance]);
  }
}

function maskGrads(grads: tf.NamedTensorMap, masks: MaskTensors | null): tf.NamedTensorMap {
  if (masks === null) return grads;
  const out: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) {
    const m = masks.get(name);
    out[name] = m === undefined ? tf.clone(g) : tf.mul(g, m);
  }
  return out;
}

/**
 * Adversarial training step: labels from a clean forward (label-leaking mitigation,
 * BN per the adversary's option, no statistics update), n PGD steps, one update on
 * x_adv with the true labels. n = 0 is the standard step.
 */
export function adversarialTrainStep(
  ctx: StepContext,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  adversary: AdversaryConfig,
  seed: number,
): number {
  if (!isAttack(adversary)) return trainStep(ctx, x, y);
  const bn = attackBnMode(adversary);
  const targets = adversary.labels === "predicted" ? predictedLabels(ctx.model, x, bn) : y;
  const xAdv = pgdAttack(ctx.model, x, y, adversary, { bn, seed, targets });
  try {
    return trainStep(ctx, xAdv, y);
  } finally {
    xAdv.dispose();
    if (targets !== y) targets.dispose();
  }
}
