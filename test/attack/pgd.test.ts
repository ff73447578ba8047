import { expect, it } from "vitest";
import type { AdversaryConfig } from "../../src/core/config.js";
import { crossEntropyPerExample } from "../../src/runtime/attack/loss.js";
import { effectiveStepSize, type PgdConfig, pgdAttack, randomStart } from "../../src/runtime/attack/pgd.js";
import { buildModel } from "../../src/runtime/models/build.js";
import { tf } from "../../src/runtime/tf.js";
import { describeEngine } from "../helpers/engine.js";
import { setParam, snapshot, TinyModel } from "../train/tiny-model.js";

const D = 6;

function pgd(over: Partial<PgdConfig>): PgdConfig {
  return {
    kind: "pgd",
    norm: "linf",
    eps: 0.1,
    steps: 4,
    stepSize: 0.025,
    randomStart: false,
    labels: "true",
    bn: "eval",
    ...over,
  };
}

/** Two-class linear model with z1 − z0 = d·x + c. */
function linear(d: number[], c: number): TinyModel {
  const m = new TinyModel({ inputShape: [1, D, 1], numClasses: 2, hidden: 0, batchNorm: false, seed: 1 });
  const kernel: number[] = [];
  for (let i = 0; i < D; i++) kernel.push(0, d[i]);
  setParam(m, "out.kernel", kernel);
  setParam(m, "out.bias", [0, c]);
  return m;
}

const d = [0.8, -1.2, 0.5, -0.3, 2.0, -0.7];
const xs = [
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.02, 0.97, 0.3, 0.6, 0.95, 0.05],
];

async function run(model: TinyModel, cfg: AdversaryConfig, labels: number[], seed = 7) {
  const x = tf.tensor4d(xs.flat(), [xs.length, 1, D, 1]);
  const y = tf.tensor1d(labels, "int32");
  const adv = pgdAttack(model, x, y, cfg, { seed });
  const loss = tf.tidy(() => crossEntropyPerExample(model.forward(adv, "running").logits, y));
  const out = { adv: Array.from(await adv.data()), loss: Array.from(await loss.data()) };
  tf.dispose([x, y, adv, loss]);
  return out;
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 5);
}

function softplus(t: number): number {
  return Math.log1p(Math.exp(t));
}

/** ℓ∞ worst case of a two-class linear model: per coordinate, move ε against the label's margin, within [0,1]. */
function linfOptimum(x: number[], y: number, eps: number): { xStar: number[]; loss: number } {
  const s = y === 1 ? 1 : -1; // margin of the label = s·(d·x + c)
  const xStar = x.map((xi, i) => Math.min(1, Math.max(0, xi - eps * s * Math.sign(d[i]))));
  const z = xStar.reduce((a, xi, i) => a + d[i] * xi, 0) + 0.1;
  return { xStar, loss: softplus(-s * z) };
}

describeEngine("cpu", "PGD", () => {
  it("uses the configured step size, ε/n when it is 0, and never more than ε", () => {
    expect(effectiveStepSize(pgd({ eps: 0.1, steps: 4, stepSize: 0 }))).toBeCloseTo(0.025);
    expect(effectiveStepSize(pgd({ eps: 0.1, steps: 4, stepSize: 0.03 }))).toBe(0.03);
    expect(effectiveStepSize(pgd({ eps: 0.1, steps: 1, stepSize: 0.5 }))).toBe(0.1);
  });

  it("from a random start takes steps up to 2ε: FGSM-RS with step 1.25ε (Wong, Rice and Kolter 2020)", async () => {
    expect(effectiveStepSize(pgd({ eps: 0.1, steps: 1, stepSize: 0.125, randomStart: true }))).toBe(0.125);
    expect(effectiveStepSize(pgd({ eps: 0.1, steps: 1, stepSize: 0.5, randomStart: true }))).toBe(0.2);
    const m = linear(d, 0.1);
    const cfg = pgd({ eps: 0.1, steps: 1, stepSize: 0.125, randomStart: true });
    const x = tf.tensor4d(xs.flat(), [xs.length, 1, D, 1]);
    const start = Array.from(await randomStart(x, "linf", 0.1, 7).data());
    const { adv } = await run(m, cfg, [1, 1], 7);
    // Label 1: the loss grows against sign(d); δ = clamp(δ₀ − 1.25ε·sign(d), −ε, ε), then [0, 1].
    const expected = xs[0].map((xi, i) => {
      const delta = Math.min(0.1, Math.max(-0.1, start[i] - xi - 0.125 * Math.sign(d[i])));
      return Math.min(1, Math.max(0, xi + delta));
    });
    expectClose(adv.slice(0, D), expected);
    x.dispose();
    m.dispose();
  });

  it("reaches the closed-form ℓ∞ worst case of a linear classifier (no random start, a = ε/n)", async () => {
    const m = linear(d, 0.1);
    for (const y of [0, 1]) {
      const { adv, loss } = await run(m, pgd({ eps: 0.1, steps: 4, stepSize: 0.025 }), [y, y]);
      xs.forEach((x, k) => {
        const opt = linfOptimum(x, y, 0.1);
        expectClose(adv.slice(k * D, (k + 1) * D), opt.xStar);
        expect(loss[k]).toBeCloseTo(opt.loss, 4);
      });
    }
    m.dispose();
  });

  it("reaches the ℓ∞ worst case from a random start when steps can cross the ball", async () => {
    const m = linear(d, 0.1);
    const { adv, loss } = await run(m, pgd({ eps: 0.1, steps: 4, stepSize: 0.05, randomStart: true }), [1, 1]);
    xs.forEach((x, k) => {
      const opt = linfOptimum(x, 1, 0.1);
      expectClose(adv.slice(k * D, (k + 1) * D), opt.xStar);
      expect(loss[k]).toBeCloseTo(opt.loss, 4);
    });
    m.dispose();
  });

  it("reaches the closed-form ℓ2 worst case x − ε·d/‖d‖ away from the box edges", async () => {
    const m = linear(d, 0.1);
    const eps = 0.3;
    const { adv, loss } = await run(m, pgd({ norm: "l2", eps, steps: 3, stepSize: eps / 3 }), [1, 1]);
    const norm = Math.hypot(...d);
    const xStar = xs[0].map((xi, i) => xi - (eps * d[i]) / norm);
    expectClose(adv.slice(0, D), xStar);
    const z = xStar.reduce((a, xi, i) => a + d[i] * xi, 0) + 0.1;
    expect(loss[0]).toBeCloseTo(softplus(-z), 4);
    m.dispose();
  });

  it("keeps ‖δ‖ ≤ ε and x_adv ∈ [0,1] for both norms on a nonlinear model", async () => {
    const m = new TinyModel({ inputShape: [4, 4, 1], numClasses: 3, hidden: 8, batchNorm: true, seed: 3 });
    const x = tf.tidy(() => tf.randomUniform([16, 4, 4, 1], 0, 1, "float32", 11) as tf.Tensor4D);
    const y = tf.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 3),
      "int32",
    );
    const xv = await x.data();
    for (const norm of ["linf", "l2"] as const) {
      const eps = norm === "linf" ? 0.1 : 0.5;
      for (const randomStart of [true, false]) {
        const adv = pgdAttack(m, x, y, pgd({ norm, eps, steps: 5, stepSize: eps / 2, randomStart, bn: "train" }), {
          seed: 5,
        });
        const av = await adv.data();
        adv.dispose();
        for (let k = 0; k < 16; k++) {
          let sq = 0;
          for (let i = 0; i < 16; i++) {
            const a = av[k * 16 + i];
            const dlt = a - xv[k * 16 + i];
            expect(a).toBeGreaterThanOrEqual(0);
            expect(a).toBeLessThanOrEqual(1);
            if (norm === "linf") expect(Math.abs(dlt)).toBeLessThanOrEqual(eps + 1e-6);
            sq += dlt * dlt;
          }
          if (norm === "l2") expect(Math.sqrt(sq)).toBeLessThanOrEqual(eps + 1e-5);
        }
      }
    }
    tf.dispose([x, y]);
    m.dispose();
  });

  it("attacks the predicted label under label-leaking mitigation, the true label otherwise", async () => {
    // c = −3: the model predicts class 0 on these inputs; the true label is 1.
    const m = linear(d, -3);
    const truth = await run(m, pgd({ labels: "true" }), [1, 1]);
    const predicted = await run(m, pgd({ labels: "predicted" }), [1, 1]);
    const towardZero = linfOptimum(xs[0], 1, 0.1).xStar; // maximises the loss of label 1
    const towardOne = linfOptimum(xs[0], 0, 0.1).xStar; // maximises the loss of label 0
    expectClose(truth.adv.slice(0, D), towardZero);
    expectClose(predicted.adv.slice(0, D), towardOne);
    m.dispose();
  });

  it("n = 0 returns the input unchanged", async () => {
    const m = linear(d, 0.1);
    const { adv } = await run(m, pgd({ steps: 0, randomStart: true }), [1, 1]);
    expect(adv).toEqual(Array.from(new Float32Array(xs.flat())));
    m.dispose();
  });

  it("is deterministic for a seed and varies with it", async () => {
    const m = linear(d, 0.1);
    const cfg = pgd({ steps: 1, stepSize: 0.01, randomStart: true });
    const a = await run(m, cfg, [1, 1], 1);
    const b = await run(m, cfg, [1, 1], 1);
    const c = await run(m, cfg, [1, 1], 2);
    expect(a.adv).toEqual(b.adv);
    expect(a.adv).not.toEqual(c.adv);
    m.dispose();
  });

  it("never updates BN running statistics and leaks no tensors", async () => {
    const m = new TinyModel({ inputShape: [4, 4, 1], numClasses: 3, hidden: 8, batchNorm: true, seed: 3 });
    const x = tf.tidy(() => tf.randomUniform([8, 4, 4, 1], 0, 1, "float32", 1) as tf.Tensor4D);
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], "int32");
    const before = await snapshot(m);
    const tensors = tf.memory().numTensors;
    for (const bn of ["train", "eval"] as const) {
      for (const labels of ["true", "predicted"] as const) {
        pgdAttack(m, x, y, pgd({ bn, labels, randomStart: true }), { seed: 3 }).dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await snapshot(m)).toEqual(before);
    expect(m.updateCalls).toBe(0);
    tf.dispose([x, y]);
    m.dispose();
  });

  it("leaves a real ResNet's BN running statistics untouched, in both BN modes", async () => {
    const model = buildModel(
      { kind: "resnet", depth: 8, width: 1 },
      { shape: [8, 8, 3], numClasses: 10, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      1,
    );
    const x = tf.tidy(() => tf.randomUniform([4, 8, 8, 3], 0, 1, "float32", 2) as tf.Tensor4D);
    const y = tf.tensor1d([0, 1, 2, 3], "int32");
    const before = await snapshot(model);
    const tensors = tf.memory().numTensors;
    for (const bn of ["train", "eval"] as const) {
      pgdAttack(model, x, y, pgd({ bn, labels: "predicted", randomStart: true, steps: 2 }), { seed: 1 }).dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await snapshot(model)).toEqual(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});
