/**
 * BatchNorm with a hand-written backward pass. tf.batchNorm's registered gradient
 * is slow on wasm: every per-channel reduction over N·H·W transposes the whole
 * activation first (wasm reduces only inner-most axes), and a [1,M]×[M,C] matMul
 * repacks the activation as weights on every call. Here every per-channel mean is
 * a global average pool, and the elementwise work is folded into as few
 * full-size passes as possible.
 */
import { tf } from "../tf.js";
import { BATCH_NORM_INFERENCE, BATCH_NORM_TRAIN, onTensorflowBackend } from "./tensorflow-kernels.js";

export interface BatchNormTrainResult {
  y: tf.Tensor4D;
  /** Batch mean per channel, for the running statistics. Carries no gradient. */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel (divided by N·H·W). Carries no gradient. */
  variance: tf.Tensor1D;
}

/**
 * Per-channel mean of an NHWC tensor: a global average pool (one XNNPACK pass, no
 * transpose, no weight packing) and a tiny [1,N]×[N,C] matMul over the batch.
 */
function channelMean(x: tf.Tensor4D): tf.Tensor1D {
  // libtensorflow reduces over any axes in one multi-threaded pass: one op instead of four.
  if (tf.getBackend() === "tensorflow") return tf.mean(x, [0, 1, 2]);
  const [n, h, w, c] = x.shape;
  const pooled = h * w === 1 ? x : tf.avgPool(x, [h, w], [h, w], "valid");
  return tf.reshape(tf.matMul(tf.fill([1, n], 1 / n), tf.reshape(pooled, [n, c])), [c]);
}

/** Per-channel mean and biased variance of an NHWC tensor. */
export function channelMoments(x: tf.Tensor4D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  return tf.tidy(() => {
    const mean = channelMean(x);
    return { mean, variance: channelMean(tf.squaredDifference(x, mean) as tf.Tensor4D) };
  });
}

/**
 * Training-mode BN: normalise with the batch's statistics. The gradient flows to
 * x (through the statistics too), gamma and beta; mean and variance are returned
 * for the running averages and are not on the gradient path.
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): BatchNormTrainResult {
  if (onTensorflowBackend()) return fusedBatchNormTrain(x, gamma, beta, eps);
  const { mean, variance } = channelMoments(x);
  const y = normalize(x, gamma, beta, mean, variance, eps, trainBackward);
  return { y, mean, variance };
}

/** The gradients to x, gamma and beta, given dy and what the forward pass saved. */
type Backward = (
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
) => tf.Tensor[];

/**
 * γ·(x − mean)·s + β with s = 1/√(variance+ε), in one FusedBatchNorm pass forward and
 * `backward` as its gradient (the two modes differ in whether the statistics depend on x).
 */
function normalize(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  eps: number,
  backward: Backward,
): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x4, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const invStd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    save([x4, g, mean, invStd]);
    const value = tf.batchNorm4d(x4, mean, variance, b, g, eps);
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xs, gs, ms, is] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
      return backward(dy, xs, gs, ms, is);
    };
    return { value, gradFunc };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/** M = N·H·W, dβ = Σdy and dγ = s·(Σdy·x − mean·Σdy): the same in both modes. */
function affineGradients(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
): { m: number; sumDy: tf.Tensor1D; dGamma: tf.Tensor1D } {
  const m = dy.size / dy.shape[3];
  const sumDy = tf.mul(channelMean(dy), m) as tf.Tensor1D;
  const sumDyX = tf.mul(channelMean(tf.mul(dy, x) as tf.Tensor4D), m) as tf.Tensor1D;
  const dGamma = tf.mul(invStd, tf.sub(sumDyX, tf.mul(mean, sumDy))) as tf.Tensor1D;
  return { m, sumDy, dGamma };
}

/**
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ·s·(dy − Σdy/M − x̂·dγ/M) with s = 1/√(σ²+ε).
 * Expanded as dx = a·dy + (b·x + c) so that the affine part is one FusedBatchNorm pass.
 */
function trainBackward(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
): tf.Tensor[] {
  const { m, sumDy, dGamma } = affineGradients(dy, x, mean, invStd);
  const a = tf.mul(gamma, invStd) as tf.Tensor1D;
  const b = tf.neg(tf.div(tf.mul(tf.mul(a, invStd), dGamma), m)) as tf.Tensor1D;
  const c = tf.sub(tf.neg(tf.div(tf.mul(a, sumDy), m)), tf.mul(mean, b)) as tf.Tensor1D;
  const affine = scaleShift(x, b, c);
  const dx = tf.add(tf.mul(dy, a) as tf.Tensor4D, affine);
  return [dx, dGamma, sumDy];
}

/** x·scale + shift per channel in one FusedBatchNorm pass (mean 0, variance 1, ε 0). */
function scaleShift(x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D): tf.Tensor4D {
  const c = x.shape[3];
  return tf.batchNorm4d(x, tf.zeros([c]) as tf.Tensor1D, tf.ones([c]) as tf.Tensor1D, shift, scale, 0);
}

/**
 * Inference-mode BN with the running statistics. Gradients flow to x, gamma and
 * beta (PGD needs the one to x); mean and variance are constants. One FusedBatchNorm
 * pass forward. (A mul/add form with autodiff's lazy per-input gradients made the
 * forward a little faster but PGD steps ~15% slower on wasm, measured A/B.)
 */
export function batchNormInfer(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  eps: number,
): tf.Tensor4D {
  if (onTensorflowBackend()) {
    const outs = tf
      .engine()
      .runKernel(
        BATCH_NORM_INFERENCE,
        { x, scale: gamma, offset: beta, mean, variance },
        { epsilon: eps },
      ) as tf.Tensor[];
    tf.dispose(outs.slice(1));
    return outs[0] as tf.Tensor4D;
  }
  return normalize(x, gamma, beta, mean, variance, eps, inferBackward);
}

/**
 * Training-mode BN as libtensorflow's FusedBatchNormV3 (its gradient is FusedBatchNormGradV3,
 * see tensorflow-kernels.ts). TensorFlow returns the batch variance Bessel-corrected (×M/(M−1),
 * M = N·H·W) for its running average; lthc's contract is the biased one, so it is scaled back.
 */
function fusedBatchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  const outs = tf
    .engine()
    .runKernel(BATCH_NORM_TRAIN, { x, scale: gamma, offset: beta }, { epsilon: eps }) as tf.Tensor[];
  const [y, mean, corrected] = outs;
  const m = x.size / x.shape[3];
  const variance = tf.tidy(() => (m > 1 ? tf.mul(corrected, (m - 1) / m) : tf.zerosLike(corrected))) as tf.Tensor1D;
  tf.dispose(outs.slice(2));
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance };
}

/** Statistics are constants here: dx = γ·s·dy. */
function inferBackward(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
): tf.Tensor[] {
  const { sumDy, dGamma } = affineGradients(dy, x, mean, invStd);
  return [tf.mul(dy, tf.mul(gamma, invStd)), dGamma, sumDy];
}
