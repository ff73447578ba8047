import { expect, it } from "vitest";
import type { AdversaryConfig, ScheduleConfig } from "../../src/core/config.js";
import { crossEntropyPerExample } from "../../src/runtime/attack/loss.js";
import { pgdAttack } from "../../src/runtime/attack/pgd.js";
import { maskTensors, prunableShapes } from "../../src/runtime/prune/apply.js";
import { randomGlobalMask } from "../../src/runtime/prune/mask.js";
import { tf } from "../../src/runtime/tf.js";
import { evaluate } from "../../src/runtime/train/evaluate.js";
import { learningRate, Sgd } from "../../src/runtime/train/sgd.js";
import { adversarialTrainStep, type StepContext, trainStep } from "../../src/runtime/train/step.js";
import { pgdLinf } from "../helpers/adversary.js";
import { describeEngine } from "../helpers/engine.js";
import { snapshot, TinyModel } from "./tiny-model.js";

const schedule: ScheduleConfig = {
  epochs: 10,
  batch: 8,
  optimizer: "sgd",
  lr: 0.1,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 5e-4,
  milestones: [3, 6],
  gamma: 0.1,
};

const pgd: AdversaryConfig = pgdLinf(0.1, 2, { bn: "train" });

function batch(seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const x = tf.randomUniform([8, 4, 4, 1], 0, 1, "float32", seed) as tf.Tensor4D;
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], "int32");
  return { x, y };
}

function tiny(seed = 1): TinyModel {
  return new TinyModel({ inputShape: [4, 4, 1], numClasses: 3, hidden: 8, batchNorm: true, seed });
}

async function trainFew(steps: number, adversarial: boolean, seed = 1): Promise<Float32Array[]> {
  const model = tiny(seed);
  const ctx: StepContext = { model, optimizer: Sgd.fromSchedule(model.params, schedule), lr: 0.05, masks: null };
  for (let s = 0; s < steps; s++) {
    const b = batch(s);
    if (adversarial) adversarialTrainStep(ctx, b.x, b.y, pgd, s);
    else trainStep(ctx, b.x, b.y);
    tf.dispose([b.x, b.y]);
  }
  const w = await snapshot(model);
  ctx.optimizer.dispose();
  model.dispose();
  return w;
}

describeEngine("cpu", "learning-rate schedule", () => {
  it("multiplies by gamma at each milestone epoch (0-based epoch being trained)", () => {
    expect(learningRate(schedule, 0)).toBeCloseTo(0.1);
    expect(learningRate(schedule, 2)).toBeCloseTo(0.1);
    expect(learningRate(schedule, 3)).toBeCloseTo(0.01);
    expect(learningRate(schedule, 6)).toBeCloseTo(0.001);
    expect(learningRate(schedule, 9)).toBeCloseTo(0.001);
  });
});

describeEngine("cpu", "SGD", () => {
  it("follows PyTorch's momentum and weight-decay update", async () => {
    const model = new TinyModel({ inputShape: [1, 2, 1], numClasses: 2, hidden: 0, batchNorm: false, seed: 1 });
    const p = model.params[0];
    const w0 = Array.from(await p.variable.data());
    const opt = new Sgd([p], { momentum: 0.9, nesterov: false, weightDecay: 0.1 });
    const g = tf.onesLike(p.variable);
    opt.step({ [p.variable.name]: g }, 0.5);
    opt.step({ [p.variable.name]: g }, 0.5);
    const w = Array.from(await p.variable.data());
    w0.forEach((x0, i) => {
      const v1 = 1 + 0.1 * x0;
      const x1 = x0 - 0.5 * v1;
      const v2 = 0.9 * v1 + 1 + 0.1 * x1;
      expect(w[i]).toBeCloseTo(x1 - 0.5 * v2, 5);
    });
    g.dispose();
    opt.dispose();
    model.dispose();
  });
});

describeEngine("cpu", "training steps", () => {
  it("are bit-identical for the same seed (standard and adversarial)", async () => {
    expect(await trainFew(5, false)).toEqual(await trainFew(5, false));
    expect(await trainFew(3, true)).toEqual(await trainFew(3, true));
    expect(await trainFew(3, true)).not.toEqual(await trainFew(3, false));
  });

  it("update BN running statistics once per step, never during the attack", async () => {
    const model = tiny();
    const ctx: StepContext = { model, optimizer: Sgd.fromSchedule(model.params, schedule), lr: 0.05, masks: null };
    const b = batch(1);
    adversarialTrainStep(ctx, b.x, b.y, pgd, 1);
    expect(model.updateCalls).toBe(1);
    tf.dispose([b.x, b.y]);
    ctx.optimizer.dispose();
    model.dispose();
  });

  it("keep pruned weights exactly zero and leak no tensors", async () => {
    const model = tiny();
    const mask = randomGlobalMask(prunableShapes(model), 0.3, 42);
    const masks = maskTensors(model, mask);
    const ctx: StepContext = { model, optimizer: Sgd.fromSchedule(model.params, schedule), lr: 0.1, masks };
    const b = batch(2);
    adversarialTrainStep(ctx, b.x, b.y, pgd, 0);
    const tensors = tf.memory().numTensors;
    for (let s = 0; s < 20; s++) {
      adversarialTrainStep(ctx, b.x, b.y, pgd, s);
      trainStep(ctx, b.x, b.y);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    for (const layer of mask.layers) {
      const p = model.params.find((q) => q.name === layer.name);
      const w = await p?.variable.data();
      let zeros = 0;
      let pruned = 0;
      layer.keep.forEach((k, i) => {
        if (k === 0) {
          pruned += 1;
          if (w?.[i] === 0) zeros += 1;
        }
      });
      expect(pruned).toBeGreaterThan(0);
      expect(zeros).toBe(pruned);
    }
    tf.dispose([b.x, b.y, ...masks.values()]);
    ctx.optimizer.dispose();
    model.dispose();
  });
});

describeEngine("cpu", "evaluation", () => {
  it("reports clean first, dedups adversaries, and leaves the model unchanged", async () => {
    const model = tiny();
    const before = await snapshot(model);
    const tensors = tf.memory().numTensors;
    const batches = () => [batch(1), batch(2)];
    // An attack on the evaluated function (BN running statistics) must raise its loss.
    const attack: AdversaryConfig = { ...pgd, bn: "eval" };
    const res = evaluate(
      model,
      batches,
      [{ kind: "none" }, attack, attack, { ...attack, steps: 0 }],
      (b, a) => b * 10 + a,
    );
    expect(res.map((r) => r.adversary)).toEqual(["clean", "pgd(linf,0.1,2)"]);
    for (const r of res) {
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(r.loss)).toBe(true);
    }
    expect(res[1].loss).toBeGreaterThan(res[0].loss);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await snapshot(model)).toEqual(before);
    model.dispose();
  });

  it("attacks with the adversary's bn option, as plan --explain says, and predicts with running statistics", async () => {
    const model = tiny(3);
    // Running statistics far from any batch's, so the two BN modes give different attacks.
    tf.tidy(() => {
      for (const p of model.state)
        p.variable.assign(tf.mul(tf.onesLike(p.variable), p.name.endsWith("mean") ? 0.7 : 4));
    });
    const one = () => [batch(5)];
    const expected = async (bn: "batch" | "running", cfg: AdversaryConfig) => {
      const b = batch(5);
      const adv = pgdAttack(model, b.x, b.y, cfg, { seed: 7, bn });
      const loss = tf.tidy(() => tf.mean(crossEntropyPerExample(model.forward(adv, "running").logits, b.y)));
      const value = (await loss.data())[0];
      tf.dispose([b.x, b.y, adv, loss]);
      return value;
    };
    const train = pgdLinf(0.1, 2, { bn: "train", randomStart: false });
    const evalMode = pgdLinf(0.1, 2, { bn: "eval", randomStart: false });
    const [, trainRes, evalRes] = evaluate(model, one, [train, evalMode], () => 7);
    expect(trainRes.adversary).toBe("pgd(linf,0.1,2,start=zero,bn=train)");
    expect(evalRes.adversary).toBe("pgd(linf,0.1,2,start=zero)");
    expect(trainRes.loss).toBeCloseTo(await expected("batch", train), 5);
    expect(evalRes.loss).toBeCloseTo(await expected("running", evalMode), 5);
    expect(Math.abs(trainRes.loss - evalRes.loss)).toBeGreaterThan(1e-4);
    model.dispose();
  });
});
