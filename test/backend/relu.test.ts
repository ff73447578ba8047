import "@tensorflow/tfjs-backend-cpu";
import { expect, it } from "vitest";
import { relu } from "../../src/runtime/ops/relu.js";
import { tf } from "../../src/runtime/tf.js";
import { describeEngine } from "../helpers/engine.js";

describeEngine("cpu", "relu", () => {
  it("is max(x, 0) with gradient dy where x > 0 (0 at x = 0), leaking no tensors", () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const values = [-2, -0.5, 0, 1e-8, 0.5, 3, -1e-8, 7];
      const x = tf.tensor4d(values, [2, 2, 2, 1]);
      const dy = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
      expect(Array.from(relu(x).dataSync())).toEqual(values.map((v) => Math.fround(Math.max(v, 0))));
      const dx = tf.grad((a) => tf.sum(tf.mul(relu(a as tf.Tensor4D), dy)))(x);
      expect(Array.from(dx.dataSync())).toEqual(values.map((v, i) => (v > 0 ? i + 1 : 0)));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("agrees with tf.relu's gradient through a chain of ops", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([3, 5, 5, 4], 0, 1, "float32", 7);
      const w = tf.randomNormal([3, 3, 4, 4], 0, 0.3, "float32", 8);
      const net = (f: (t: tf.Tensor4D) => tf.Tensor4D) => (a: tf.Tensor) =>
        tf.sum(tf.square(f(tf.conv2d(f(a as tf.Tensor4D), w as tf.Tensor4D, 1, "same"))));
      const ours = tf.grad(net((t) => relu(t)))(x);
      const reference = tf.grad(net((t) => tf.relu(t)))(x);
      expect(tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });
});
