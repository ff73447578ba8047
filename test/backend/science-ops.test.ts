/**
 * Fault 8 of issue 11: every tensor operation lthc's science relies on — the PGD step and
 * projection, the losses, argmax and its ties, masks, BatchNorm — gives the same answer on
 * every backend lthc runs on, at the edge cases where kernels differ: tiny and huge
 * magnitudes, exact ties, values on the clip boundaries, saturated softmax. The expected
 * values are the mathematical answers, not one backend's. The native column runs where
 * `lthc setup native` has installed @tensorflow/tfjs-node (CI requires it).
 */
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import type { AdversaryConfig } from "../../src/core/config.js";
import { crossEntropyPerExample } from "../../src/runtime/attack/loss.js";
import { pgdAttack } from "../../src/runtime/attack/pgd.js";
import { batchNormTrain } from "../../src/runtime/ops/batch-norm.js";
import { exactSign } from "../../src/runtime/ops/sign.js";
import { tf } from "../../src/runtime/tf.js";
import { describeWith } from "../helpers/component.js";
import { nativeMissing } from "../helpers/native.js";
import { setParam, TinyModel } from "../train/tiny-model.js";

const D = 6;
/** Loading it registers the backend 'tensorflow'. */
const NATIVE_PACKAGE: string = "@tensorflow/tfjs-node";

/**
 * Two-class linear model with z1 − z0 = d·x + c, written as z0 = −d·x − c, z1 = 0: for label 1
 * the input gradient then flows through the wrong class's tiny softmax probability, as it does
 * in a confident network (the true class's gradient, p − 1, rounds to exactly 0 in float32).
 */
function linear(d: number[], c: number): TinyModel {
  const m = new TinyModel({ inputShape: [1, D, 1], numClasses: 2, hidden: 0, batchNorm: false, seed: 1 });
  const kernel: number[] = [];
  for (let i = 0; i < D; i++) kernel.push(-d[i], 0);
  setParam(m, "out.kernel", kernel);
  setParam(m, "out.bias", [-c, 0]);
  return m;
}

function pgd(eps: number, steps: number, stepSize: number): AdversaryConfig {
  return { kind: "pgd", norm: "linf", eps, steps, stepSize, randomStart: false, labels: "true", bn: "eval" };
}

async function values(t: tf.Tensor): Promise<number[]> {
  const out = Array.from(await t.data());
  t.dispose();
  return out;
}

async function attack(model: TinyModel, rows: number[][], label: number, cfg: AdversaryConfig): Promise<number[][]> {
  const x = tf.tensor4d(rows.flat(), [rows.length, 1, D, 1]);
  const y = tf.tensor1d(
    rows.map(() => label),
    "int32",
  );
  const adv = pgdAttack(model, x, y, cfg, { seed: 1 });
  const flat = await values(adv);
  tf.dispose([x, y]);
  return rows.map((_, i) => flat.slice(i * D, (i + 1) * D));
}

function scienceOps(backend: () => string): void {
  it("sign is exact at tiny and huge magnitudes", async () => {
    const x = tf.tensor1d([1e-6, 1e-7, 1e-8, 1e-20, 1e-37, -1e-8, -1e-37, 0, -0, 1e30, -3e38]);
    expect(await values(exactSign(x))).toEqual([1, 1, 1, 1, 1, -1, -1, 0, 0, 1, -1]);
    x.dispose();
    expect(tf.getBackend()).toBe(backend());
  });

  it("an ℓ∞ PGD step moves every pixel of a confidently classified example by ε", async () => {
    // Margin 30: p(wrong) ≈ 9e-14, so every input gradient is far below wasm Sign's 1.2e-7 cut-off.
    const d = [0.8, -1.2, 0.5, -0.3, 2.0, -0.7];
    const model = linear(d, 30 - d.reduce((a, b) => a + b * 0.5, 0));
    const [adv] = await attack(model, [[0.5, 0.5, 0.5, 0.5, 0.5, 0.5]], 1, pgd(0.1, 1, 0.1));
    // The loss of label 1 grows against the sign of d.
    expect(adv.map((v) => Math.round(v * 1e6) / 1e6)).toEqual(d.map((di) => (di > 0 ? 0.4 : 0.6)));
    model.dispose();
  });

  it("PGD keeps pixels on the clip boundaries and δ exactly within ε", async () => {
    const d = [0.8, -1.2, 0.5, -0.3, 2.0, -0.7];
    const model = linear(d, 0);
    // Label 1: pixels with d > 0 are pushed down, d < 0 up; those already at 0 or 1 cannot move.
    const rows = [
      [0, 1, 0, 1, 0, 1],
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    ];
    const [edge, mid] = await attack(model, rows, 1, pgd(0.1, 3, 0.075));
    expect(edge).toEqual([0, 1, 0, 1, 0, 1]);
    for (let i = 0; i < D; i++) expect(Math.abs(mid[i] - 0.5)).toBeCloseTo(0.1, 6);
    for (const v of mid) expect(Math.abs(v - 0.5)).toBeLessThanOrEqual(0.1 + 1e-7);
    model.dispose();
  });

  it("argmax breaks exact ties towards the lowest class index", async () => {
    const logits = tf.tensor2d([
      [1, 1, 0],
      [0, 2, 2],
      [0, 0, 0],
      [-1, 3, 3],
      [1e-30, 1e-30, 0],
    ]);
    expect(await values(tf.argMax(logits, 1))).toEqual([0, 1, 0, 1, 0]);
    logits.dispose();
  });

  it("cross-entropy stays finite and exact on saturated softmax", async () => {
    const logits = tf.tensor2d([
      [100, -100],
      [1e4, -1e4],
      [0, 0],
      [100, -100],
    ]);
    const labels = tf.tensor1d([1, 0, 1, 0], "int32");
    const loss = await values(crossEntropyPerExample(logits, labels));
    expect(loss[0]).toBeCloseTo(200, 3);
    expect(Math.abs(loss[1])).toBe(0);
    expect(loss[2]).toBeCloseTo(Math.LN2, 6);
    expect(Math.abs(loss[3])).toBe(0);
    tf.dispose([logits, labels]);
  });

  it("a mask zeroes pruned weights exactly and keeps the others bit for bit", async () => {
    const w = tf.tensor1d([3e38, -3e38, 1e-37, -1e-37, 0.5, -0.25]);
    const keep = tf.tensor1d([0, 1, 0, 1, 0, 1]);
    const out = await values(tf.mul(w, keep));
    expect(out.map((v) => (v === 0 ? 0 : v))).toEqual([0, Math.fround(-3e38), 0, Math.fround(-1e-37), 0, -0.25]);
    tf.dispose([w, keep]);
  });

  it("BatchNorm of a constant channel gives β, finite, in train mode", async () => {
    const x = tf.tensor4d([5, 1, 5, 2, 5, 3, 5, 4], [4, 1, 1, 2]);
    const gamma = tf.tensor1d([2, 1]);
    const beta = tf.tensor1d([0.25, 0]);
    const { y, mean, variance } = batchNormTrain(x, gamma, beta, 1e-5);
    const out = await values(y);
    for (let i = 0; i < 4; i++) expect(out[2 * i]).toBeCloseTo(0.25, 6);
    expect(await values(mean)).toEqual([5, 2.5]);
    const v = await values(variance);
    expect(v[0]).toBeCloseTo(0, 6);
    expect(v[1]).toBeCloseTo(1.25, 6);
    tf.dispose([x, gamma, beta]);
  });

  it("leaves no tensors behind", async () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      exactSign(tf.tensor1d([1e-9, -1e-9]));
    });
    expect(tf.memory().numTensors).toBe(before);
  });
}

function onBackend(name: string, load?: () => Promise<unknown>): void {
  beforeAll(async () => {
    if (load) await load();
    expect(await tf.setBackend(name)).toBe(true);
    await tf.ready();
  });
  scienceOps(() => name);
}

describe("science ops on cpu", () => onBackend("cpu"));
describe("science ops on wasm", () => onBackend("wasm"));
describeWith("native", nativeMissing(), "science ops on the native backend (tfjs-node)", () =>
  // A variable specifier: the package is optional, so the type-checker must not resolve it.
  onBackend("tensorflow", () => import(NATIVE_PACKAGE)),
);
