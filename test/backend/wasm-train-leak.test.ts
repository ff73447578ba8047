import { expect, it } from "vitest";
import { CIFAR10_INFO } from "../../src/runtime/backend/throughput.js";
import { buildModel } from "../../src/runtime/models/index.js";
import { tf } from "../../src/runtime/tf.js";
import { Sgd } from "../../src/runtime/train/sgd.js";
import { adversarialTrainStep, trainStep } from "../../src/runtime/train/step.js";
import { pgdLinf } from "../helpers/adversary.js";
import { describeEngine } from "../helpers/engine.js";

describeEngine("wasm", "training conv nets", () => {
  it("runs conv-net steps (stride 2, projections, BN) without leaking tensors and learns", async () => {
    const model = buildModel({ kind: "resnet", depth: 8, width: 1 }, { ...CIFAR10_INFO, shape: [8, 8, 3] }, 7);
    const optimizer = new Sgd(model.params, { momentum: 0.9, nesterov: false, weightDecay: 0 });
    const ctx = { model, optimizer, lr: 0.05, masks: null };
    const x = tf.randomUniform([8, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32");
    const adversary = pgdLinf(0.03, 1);
    const first = trainStep(ctx, x, y);
    adversarialTrainStep(ctx, x, y, adversary, 1);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 15; i++) last = trainStep(ctx, x, y);
    adversarialTrainStep(ctx, x, y, adversary, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    // Memorising 8 fixed images must lower the loss if the backend's gradients are right.
    expect(last).toBeLessThan(first * 0.7);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});
