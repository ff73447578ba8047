/**
 * The fused convolution inside a real ResNet (projection shortcuts, stride 2) on the native
 * backend: the same weights give the same logits, input gradients and PGD examples as the
 * separate ops (LTHC_FUSED_CONV=0), up to floating-point order.
 */
import { afterEach, beforeAll, expect, it } from "vitest";
import { crossEntropy } from "../../src/runtime/attack/loss.js";
import { pgdAttack } from "../../src/runtime/attack/pgd.js";
import { CIFAR10_INFO } from "../../src/runtime/backend/throughput.js";
import { buildModel } from "../../src/runtime/models/index.js";
import { fusedConvAvailable } from "../../src/runtime/ops/tensorflow-kernels.js";
import { tf } from "../../src/runtime/tf.js";
import { describeWith } from "../helpers/component.js";
import { useEngineBackend } from "../helpers/engine.js";
import { nativeMissing } from "../helpers/native.js";

function bothWays<T>(f: () => T): { fused: T; separate: T } {
  expect(fusedConvAvailable()).toBe(true);
  const fused = f();
  process.env.LTHC_FUSED_CONV = "0";
  expect(fusedConvAvailable()).toBe(false);
  const separate = f();
  delete process.env.LTHC_FUSED_CONV;
  return { fused, separate };
}

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / (tf.max(tf.abs(b)).dataSync()[0] || 1));
}

describeWith("native", nativeMissing(), "the fused convolution in a ResNet [native]", () => {
  beforeAll(() => useEngineBackend("node"));
  afterEach(() => {
    delete process.env.LTHC_FUSED_CONV;
  });

  it("gives the separate ops' logits, input gradients and PGD examples, leaking no tensors", () => {
    const before = tf.memory().numTensors;
    const model = buildModel({ kind: "resnet", depth: 8, width: 1 }, CIFAR10_INFO, 5);
    tf.tidy(() => {
      // Non-trivial running statistics, as after training.
      for (const p of model.state) {
        const isVar = p.name.endsWith(".variance");
        p.variable.assign(tf.randomUniform(p.variable.shape, isVar ? 0.5 : -0.3, isVar ? 2 : 0.3, "float32", 9));
      }
      const x = tf.randomUniform([16, 32, 32, 3], 0, 1, "float32", 3) as tf.Tensor4D;
      const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], "int32");
      const logits = bothWays(() => model.forward(x, "running").logits);
      expect(maxRelDiff(logits.fused, logits.separate)).toBeLessThan(1e-4);
      const grad = bothWays(() =>
        tf.grad((xi) => crossEntropy(model.forward(xi as tf.Tensor4D, "running").logits, y))(x),
      );
      expect(maxRelDiff(grad.fused, grad.separate)).toBeLessThan(1e-3);
      const pgd = {
        kind: "pgd",
        norm: "linf",
        eps: 8 / 255,
        steps: 3,
        stepSize: 2 / 255,
        randomStart: true,
        labels: "true",
        bn: "eval",
      } as const;
      const adv = bothWays(() => pgdAttack(model, x, y, pgd, { seed: 11 }));
      // A sign can flip only where a gradient entry is within rounding of 0.
      const same = tf.mean(tf.cast(tf.less(tf.abs(tf.sub(adv.fused, adv.separate)), 1e-6), "float32")).dataSync()[0];
      expect(same).toBeGreaterThan(0.99);
    });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
