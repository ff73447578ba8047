import "@tensorflow/tfjs-backend-cpu";
import { expect, it } from "vitest";
import { batchNormInfer, batchNormTrain } from "../../src/runtime/ops/batch-norm.js";
import { tf } from "../../src/runtime/tf.js";
import { describeEngine } from "../helpers/engine.js";

const EPS = 1e-5;

function naiveTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  const mean = tf.mean(x, [0, 1, 2]);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), gamma), beta);
}

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => {
    const scale = tf.max(tf.abs(b)).dataSync()[0] || 1;
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / scale;
  });
}

function inputs(shape: [number, number, number, number], seed: number) {
  const c = shape[3];
  return {
    // A shifted, scaled input: BN must not depend on E[x²]−E[x]² cancellation.
    x: tf.add(tf.mul(tf.randomNormal(shape, 0, 1, "float32", seed), 3), 5) as tf.Tensor4D,
    gamma: tf.randomUniform([c], 0.5, 1.5, "float32", seed + 1) as tf.Tensor1D,
    beta: tf.randomNormal([c], 0, 1, "float32", seed + 2) as tf.Tensor1D,
    weight: tf.randomNormal(shape, 0, 1, "float32", seed + 3) as tf.Tensor4D,
  };
}

describeEngine("cpu", "batchNormTrain", () => {
  for (const shape of [
    [4, 5, 5, 3],
    [2, 8, 8, 16],
    [7, 3, 2, 5],
  ] as [number, number, number, number][]) {
    it(`matches the naive formula and its autodiff gradient for ${shape.join("×")}`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const { x, gamma, beta, weight } = inputs(shape, shape[3]);
        const fast = tf.grads((a, g, b) =>
          tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, EPS).y, weight)),
        );
        const slow = tf.grads((a, g, b) =>
          tf.sum(tf.mul(naiveTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D), weight)),
        );
        const gf = fast([x, gamma, beta]);
        const gs = slow([x, gamma, beta]);
        for (let i = 0; i < 3; i++) expect(maxRelDiff(gf[i], gs[i])).toBeLessThan(1e-4);
        const out = batchNormTrain(x, gamma, beta, EPS);
        expect(maxRelDiff(out.y, naiveTrain(x, gamma, beta))).toBeLessThan(1e-5);
        expect(maxRelDiff(out.mean, tf.mean(x, [0, 1, 2]))).toBeLessThan(1e-5);
        expect(maxRelDiff(out.variance, tf.moments(x, [0, 1, 2]).variance)).toBeLessThan(1e-4);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describeEngine("cpu", "batchNormInfer", () => {
  it("matches tf.batchNorm and its gradient", async () => {
    tf.tidy(() => {
      const { x, gamma, beta, weight } = inputs([3, 4, 4, 6], 11);
      const mean = tf.randomNormal([6], 5, 1, "float32", 12) as tf.Tensor1D;
      const variance = tf.randomUniform([6], 4, 10, "float32", 13) as tf.Tensor1D;
      const fast = tf.grads((a, g, b) =>
        tf.sum(
          tf.mul(batchNormInfer(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, mean, variance, EPS), weight),
        ),
      );
      const slow = tf.grads((a, g, b) =>
        tf.sum(
          tf.mul(tf.batchNorm4d(a as tf.Tensor4D, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, EPS), weight),
        ),
      );
      const gf = fast([x, gamma, beta]);
      const gs = slow([x, gamma, beta]);
      for (let i = 0; i < 3; i++) expect(maxRelDiff(gf[i], gs[i])).toBeLessThan(1e-4);
    });
  });
});
