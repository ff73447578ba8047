/**
 * conv → BatchNorm with running statistics [→ + residual] [→ ReLU]: the building block of a
 * ResNet in inference mode (evaluation and PGD with `bn eval`). On the native CPU backend it
 * is one oneDNN kernel (tensorflow-kernels.ts), as TensorFlow's graph optimiser would make it;
 * elsewhere, and on the GPU build, it is the composition of the separate ops.
 */
import { tf } from "../tf.js";
import { batchNormInfer } from "./batch-norm.js";
import { relu as reluOp } from "./relu.js";
import { CONV_BN_ADD_INFERENCE, CONV_BN_INFERENCE, fusedConvAvailable } from "./tensorflow-kernels.js";

export interface ConvBnOptions {
  /** Stride of the convolution (both axes); padding is "same". */
  stride: number;
  /** Apply ReLU last. */
  relu: boolean;
  /** Added after BN and before ReLU (a residual block's shortcut), same shape as the output. */
  residual?: tf.Tensor4D;
}

/**
 * y = [relu](γ·(conv(x, W) − μ)/√(σ²+ε) + β [+ residual]), x [N,H,W,Cin], W [k,k,Cin,Cout],
 * γ, β, μ, σ² [Cout], y [N,H/stride,W/stride,Cout]. Differentiable in every input; μ and σ²
 * are the running statistics (BN in inference mode).
 */
export function convBnInference(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  eps: number,
  o: ConvBnOptions,
): tf.Tensor4D {
  if (fusedConvAvailable()) {
    const inputs = { x, filter, scale: gamma, offset: beta, mean, variance };
    const attrs = { stride: o.stride, relu: o.relu, epsilon: eps };
    return tf
      .engine()
      .runKernel(
        o.residual ? CONV_BN_ADD_INFERENCE : CONV_BN_INFERENCE,
        o.residual ? { ...inputs, residual: o.residual } : inputs,
        attrs,
      ) as tf.Tensor4D;
  }
  return residualRelu(batchNormInfer(tf.conv2d(x, filter, o.stride, "same"), gamma, beta, mean, variance, eps), o);
}

/** The block's tail after BN, as separate ops: y [+ residual], then ReLU when `o.relu`. */
export function residualRelu(y: tf.Tensor4D, o: ConvBnOptions): tf.Tensor4D {
  const sum = o.residual ? (tf.add(y, o.residual) as tf.Tensor4D) : y;
  return o.relu ? reluOp(sum) : sum;
}
