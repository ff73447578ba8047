import "@tensorflow/tfjs-backend-cpu";
import { expect, it } from "vitest";
import { batchNormInfer } from "../../src/runtime/ops/batch-norm.js";
import { type ConvBnOptions, convBnInference } from "../../src/runtime/ops/conv-bn.js";
import { relu } from "../../src/runtime/ops/relu.js";
import { fusedConvAvailable } from "../../src/runtime/ops/tensorflow-kernels.js";
import { tf } from "../../src/runtime/tf.js";
import { describeEngine, engineBackend } from "../helpers/engine.js";

const EPS = 1e-5;

/** The composition convBnInference must equal, from the separate ops. */
function composed(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  g: tf.Tensor1D,
  b: tf.Tensor1D,
  m: tf.Tensor1D,
  v: tf.Tensor1D,
  o: ConvBnOptions,
): tf.Tensor4D {
  let y = batchNormInfer(tf.conv2d(x, w, o.stride, "same"), g, b, m, v, EPS);
  if (o.residual) y = tf.add(y, o.residual);
  return o.relu ? relu(y) : y;
}

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const scale = tf.max(tf.abs(b)).dataSync()[0] || 1;
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / scale;
  });
}

describeEngine("cpu", "convBnInference (conv → BN with running statistics → + residual → ReLU)", () => {
  const cases: {
    name: string;
    k: number;
    cin: number;
    cout: number;
    stride: number;
    relu: boolean;
    residual: boolean;
  }[] = [
    { name: "3×3, BN, ReLU", k: 3, cin: 4, cout: 6, stride: 1, relu: true, residual: false },
    { name: "3×3 stride 2, BN, ReLU", k: 3, cin: 4, cout: 6, stride: 2, relu: true, residual: false },
    { name: "1×1 stride 2, BN (projection shortcut)", k: 1, cin: 4, cout: 6, stride: 2, relu: false, residual: false },
    { name: "3×3, BN, + residual, ReLU", k: 3, cin: 6, cout: 6, stride: 1, relu: true, residual: true },
  ];
  for (const c of cases) {
    it(`matches the composed ops, value and every gradient: ${c.name}`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.randomNormal([3, 8, 8, c.cin], 0.5, 1, "float32", 1) as tf.Tensor4D;
        const w = tf.randomNormal([c.k, c.k, c.cin, c.cout], 0, 0.4, "float32", 2) as tf.Tensor4D;
        const g = tf.randomUniform([c.cout], 0.5, 1.5, "float32", 3) as tf.Tensor1D;
        const b = tf.randomNormal([c.cout], 0, 0.5, "float32", 4) as tf.Tensor1D;
        const m = tf.randomNormal([c.cout], 0, 0.5, "float32", 5) as tf.Tensor1D;
        const v = tf.randomUniform([c.cout], 0.5, 2, "float32", 6) as tf.Tensor1D;
        const outH = Math.ceil(8 / c.stride);
        const res = c.residual ? (tf.randomNormal([3, outH, outH, c.cout], 0, 1, "float32", 7) as tf.Tensor4D) : null;
        const dy = tf.randomNormal([3, outH, outH, c.cout], 0, 1, "float32", 8);
        // The running statistics are constants (never differentiated): gradients to x, W, γ, β, residual.
        const inputs: tf.Tensor[] = [x, w, g, b, ...(res ? [res] : [])];
        const loss =
          (f: typeof composed) =>
          (...t: tf.Tensor[]): tf.Scalar => {
            const [xi, wi, gi, bi, ri] = t as [
              tf.Tensor4D,
              tf.Tensor4D,
              tf.Tensor1D,
              tf.Tensor1D,
              tf.Tensor4D | undefined,
            ];
            return tf.sum(tf.mul(f(xi, wi, gi, bi, m, v, { stride: c.stride, relu: c.relu, residual: ri }), dy));
          };
        const fused = (
          xi: tf.Tensor4D,
          wi: tf.Tensor4D,
          gi: tf.Tensor1D,
          bi: tf.Tensor1D,
          mi: tf.Tensor1D,
          vi: tf.Tensor1D,
          o: ConvBnOptions,
        ) => convBnInference(xi, wi, gi, bi, mi, vi, EPS, o);
        const opts = { stride: c.stride, relu: c.relu, residual: res ?? undefined };
        expect(maxRelDiff(fused(x, w, g, b, m, v, opts), composed(x, w, g, b, m, v, opts))).toBeLessThan(1e-5);
        const ours = tf.grads(loss(fused))(inputs);
        const reference = tf.grads(loss(composed))(inputs);
        ours.forEach((t, i) => {
          expect(maxRelDiff(t, reference[i]), `gradient ${i}`).toBeLessThan(1e-4);
        });
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  if (engineBackend("cpu") === "node") {
    it("runs as oneDNN's fused kernel on the native CPU backend, with the running statistics' gradients too", () => {
      // The speed of inference and PGD on the native backend rests on this (docs/performance.md).
      expect(fusedConvAvailable()).toBe(true);
      tf.tidy(() => {
        const x = tf.randomNormal([2, 6, 6, 3], 0.5, 1, "float32", 11) as tf.Tensor4D;
        const w = tf.randomNormal([3, 3, 3, 5], 0, 0.4, "float32", 12) as tf.Tensor4D;
        const g = tf.randomUniform([5], 0.5, 1.5, "float32", 13) as tf.Tensor1D;
        const b = tf.randomNormal([5], 0, 0.5, "float32", 14) as tf.Tensor1D;
        const m = tf.randomNormal([5], 0, 0.5, "float32", 15) as tf.Tensor1D;
        const v = tf.randomUniform([5], 0.5, 2, "float32", 16) as tf.Tensor1D;
        const res = tf.randomNormal([2, 6, 6, 5], 0, 1, "float32", 17) as tf.Tensor4D;
        const dy = tf.randomNormal([2, 6, 6, 5], 0, 1, "float32", 18);
        const inputs = [x, w, g, b, m, v, res];
        type Block = (
          x: tf.Tensor4D,
          w: tf.Tensor4D,
          g: tf.Tensor1D,
          b: tf.Tensor1D,
          m: tf.Tensor1D,
          v: tf.Tensor1D,
          res: tf.Tensor4D,
        ) => tf.Tensor;
        const gradsOf = (f: Block) =>
          tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(f(...(t as Parameters<Block>)), dy)))(inputs);
        // tf.batchNorm4d differentiates in the statistics as well: the reference for dμ and dσ².
        const reference = gradsOf((xi, wi, gi, bi, mi, vi, ri) =>
          tf.relu(tf.add(tf.batchNorm4d(tf.conv2d(xi, wi, 1, "same"), mi, vi, bi, gi, EPS), ri)),
        );
        const ours = gradsOf((xi, wi, gi, bi, mi, vi, ri) =>
          convBnInference(xi, wi, gi, bi, mi, vi, EPS, { stride: 1, relu: true, residual: ri }),
        );
        ours.forEach((t, i) => {
          expect(maxRelDiff(t, reference[i]), `gradient ${i}`).toBeLessThan(1e-4);
        });
      });
    });
  }
});
