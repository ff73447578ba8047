/**
 * Projected gradient descent (Madry et al.) exactly as BRIEF §1 states it, after
 * CleverHans `future.tf2` projected_gradient_descent: random start, n signed (ℓ∞)
 * or normalised (ℓ2) steps, clip to [0,1], project onto the ε-ball, clip again.
 */

import type { AdversaryConfig, Norm } from "../../core/config.js";
import type { BnMode, Model } from "../models/model.js";
import { exactSign } from "../ops/sign.js";
import { tf } from "../tf.js";
import { crossEntropyPerExample } from "./loss.js";

export type PgdConfig = Extract<AdversaryConfig, { kind: "pgd" }>;

/** Guards the ℓ2 normalisations against division by zero. */
const L2_GUARD = 1e-12;

/** True when the config attacks: PGD with at least one step (kind none and n = 0 are clean). */
export function isAttack(cfg: AdversaryConfig): cfg is PgdConfig {
  return cfg.kind === "pgd" && cfg.steps > 0;
}

/** BN mode for the attack's forward passes; running statistics are never updated here. */
export function attackBnMode(cfg: PgdConfig): BnMode {
  return cfg.bn === "train" ? "batch" : "running";
}

/**
 * The step size actually used: the configured one (ε/n when it is 0). Without a random start
 * it never exceeds ε (a longer step is clamped to ε by the projection anyway); from a random
 * start it may reach 2ε, as fast adversarial training's 1.25ε does (the compiler's E026 bound).
 */
export function effectiveStepSize(cfg: PgdConfig): number {
  const a = cfg.stepSize > 0 ? cfg.stepSize : cfg.eps / cfg.steps;
  return Math.min(a, cfg.randomStart ? 2 * cfg.eps : cfg.eps);
}

/** y = argmax f(x) with the given BN mode: the label-leaking mitigation's labels. */
export function predictedLabels(model: Model, x: tf.Tensor4D, bn: BnMode): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(model.forward(x, bn).logits, 1) as tf.Tensor1D);
}

/** Labels the attack maximises the loss of, per the adversary's `labels` setting. */
export function attackTargets(model: Model, x: tf.Tensor4D, y: tf.Tensor1D, cfg: PgdConfig, bn: BnMode): tf.Tensor1D {
  return cfg.labels === "predicted" ? predictedLabels(model, x, bn) : tf.clone(y);
}

function perExampleNorm(t: tf.Tensor4D): tf.Tensor4D {
  return tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)) as tf.Tensor4D;
}

/** Project δ onto the ε-ball of the norm. */
export function projectDelta(delta: tf.Tensor4D, norm: Norm, eps: number): tf.Tensor4D {
  return tf.tidy(() => {
    if (norm === "linf") return tf.clipByValue(delta, -eps, eps);
    const factor = tf.minimum(1, tf.div(eps, tf.maximum(perExampleNorm(delta), L2_GUARD)));
    return tf.mul(delta, factor) as tf.Tensor4D;
  });
}

/**
 * δ ~ U(−ε, ε) elementwise, projected into the ε-ball (a no-op for ℓ∞; for ℓ2 the
 * box sample is scaled into the ball), then x+δ clipped to [0,1]. Seeded, so the
 * start is a pure function of (x, seed).
 */
export function randomStart(x: tf.Tensor4D, norm: Norm, eps: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const noise = tf.randomUniform(x.shape, -eps, eps, "float32", seed) as tf.Tensor4D;
    return tf.clipByValue(tf.add(x, projectDelta(noise, norm, eps)), 0, 1) as tf.Tensor4D;
  });
}

/** One ascent step followed by clip, projection, clip. */
function pgdStep(
  model: Model,
  x: tf.Tensor4D,
  xAdv: tf.Tensor4D,
  targets: tf.Tensor1D,
  cfg: PgdConfig,
  a: number,
  bn: BnMode,
): tf.Tensor4D {
  return tf.tidy(() => {
    // Summed loss: each example's input gradient is its own loss's gradient.
    const lossOf = (xa: tf.Tensor) =>
      tf.sum(crossEntropyPerExample(model.forward(xa as tf.Tensor4D, bn).logits, targets));
    const grad = tf.grad(lossOf)(xAdv) as tf.Tensor4D;
    const direction = cfg.norm === "linf" ? exactSign(grad) : tf.div(grad, tf.maximum(perExampleNorm(grad), L2_GUARD));
    const stepped = tf.clipByValue(tf.add(xAdv, tf.mul(direction, a)), 0, 1) as tf.Tensor4D;
    const delta = projectDelta(tf.sub(stepped, x) as tf.Tensor4D, cfg.norm, cfg.eps);
    return tf.clipByValue(tf.add(x, delta), 0, 1) as tf.Tensor4D;
  });
}

export interface PgdOptions {
  /** BN mode of the attack's forward passes; defaults to the adversary's `bn` setting. */
  bn?: BnMode;
  /** Seed of the random start; derive it from the job identity, epoch and step. */
  seed: number;
  /** Precomputed targets (e.g. predicted labels already computed); else derived from cfg.labels. */
  targets?: tf.Tensor1D;
}

/**
 * The adversarial examples PGD_{p,ε,n}(x). Returns a new tensor the caller owns;
 * n = 0 (or kind none) returns a copy of x. Never updates BN running statistics.
 */
export function pgdAttack(
  model: Model,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  cfg: AdversaryConfig,
  opts: PgdOptions,
): tf.Tensor4D {
  if (!isAttack(cfg)) return tf.clone(x);
  const bn = opts.bn ?? attackBnMode(cfg);
  const a = effectiveStepSize(cfg);
  const targets = opts.targets ?? attackTargets(model, x, y, cfg, bn);
  let xAdv = cfg.randomStart ? randomStart(x, cfg.norm, cfg.eps, opts.seed) : tf.clone(x);
  for (let i = 0; i < cfg.steps; i++) {
    const next = pgdStep(model, x, xAdv, targets, cfg, a, bn);
    xAdv.dispose();
    xAdv = next;
  }
  if (opts.targets === undefined) targets.dispose();
  return xAdv;
}
