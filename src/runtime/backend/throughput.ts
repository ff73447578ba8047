/**
 * Throughput of what lthc runs: a training step, one PGD step, an adversarial
 * training step (PGD-n + update) and inference, on synthetic data of a dataset's
 * shape. The steps are the trainer's and the attack's own functions, so the
 * numbers measure lthc, not a stand-in. Benchmarks report numbers; nothing here asserts on time.
 */
import type { AdversaryConfig, ModelConfig } from "../../core/config.js";
import { UserError } from "../../core/user-error.js";
import { pgdAttack } from "../attack/pgd.js";
import { buildModel, countParams, type ModelDataInfo, modelName } from "../models/index.js";
import type { Model } from "../models/model.js";
import { tf } from "../tf.js";
import { Sgd } from "../train/sgd.js";
import { adversarialTrainStep, type StepContext, trainStep } from "../train/step.js";
import { guardMemory } from "./memory.js";

export type Measurement = "train" | "pgd" | "adversarial" | "inference";
export const MEASUREMENTS: Measurement[] = ["train", "pgd", "adversarial", "inference"];

export interface ThroughputOptions {
  model: ModelConfig;
  data: ModelDataInfo;
  batch: number;
  /** Timed repetitions of each measurement (after one untimed warm-up). */
  steps: number;
  /** PGD steps n of the adversarial training step. */
  pgdSteps: number;
  only?: Measurement[];
  /** Called after each measurement, for progress output. */
  onResult?: (r: ThroughputResult) => void;
}

export interface ThroughputResult {
  measurement: Measurement;
  /** What one repetition is, e.g. "pgd(linf, 8/255, 2) + SGD update". */
  what: string;
  /** Wall-clock throughput: what a user sees, on a machine shared with nothing else. */
  imagesPerSec: number;
  msPerStep: number;
  /**
   * Throughput per second of this process's CPU time (user + system). The wasm and
   * cpu backends run on one thread, so on a busy machine this is the figure that
   * still measures the code rather than the neighbours.
   */
  imagesPerCpuSec: number;
  cpuMsPerStep: number;
  steps: number;
}

export interface ThroughputReport {
  backend: string;
  model: string;
  parameters: number;
  batch: number;
  results: ThroughputResult[];
}

/** CIFAR-10's shape and channel statistics: the bench input for ResNets (see naturalInput in lthc bench). */
export const CIFAR10_INFO: ModelDataInfo = {
  shape: [32, 32, 3],
  numClasses: 10,
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.247, 0.2435, 0.2616],
};

export const MNIST_INFO: ModelDataInfo = { shape: [28, 28, 1], numClasses: 10, mean: [0.2861], std: [0.353] };

/** "resnet(20)", "wrn(20,8)", "lenet", "lenet(300,100)", "convnet", "convnet(32,64)". */
export function parseModel(text: string): ModelConfig {
  const t = text.replace(/\s+/g, "").toLowerCase();
  const args = (m: RegExpMatchArray) => (m[2] ? m[2].split(",").filter(Boolean).map(Number) : []);
  const m = t.match(/^(resnet|wrn|lenet|convnet)(?:\(([\d,]*)\))?$/);
  if (m) {
    const a = args(m);
    if (a.every((n) => Number.isInteger(n) && n > 0)) {
      if (m[1] === "resnet" && a.length === 1) return { kind: "resnet", depth: a[0], width: 1 };
      if (m[1] === "wrn" && a.length === 2) return { kind: "resnet", depth: a[0], width: a[1] };
      if (m[1] === "lenet") return { kind: "lenet", hidden: a.length > 0 ? a : [300, 100] };
      if (m[1] === "convnet") return { kind: "convnet", channels: a.length > 0 ? a : [32, 64], hidden: 128 };
    }
  }
  throw new UserError(
    `unknown model '${text}'`,
    "use resnet(D), wrn(D,K), lenet, lenet(300,100), convnet or convnet(32,64)",
  );
}

function syntheticBatch(data: ModelDataInfo, batch: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const [h, w, c] = data.shape;
  return {
    x: tf.randomUniform([batch, h, w, c], 0, 1, "float32", 1) as tf.Tensor4D,
    y: tf.cast(tf.floor(tf.randomUniform([batch], 0, data.numClasses, "float32", 2)), "int32") as tf.Tensor1D,
  };
}

function benchAdversary(steps: number): Extract<AdversaryConfig, { kind: "pgd" }> {
  const eps = 8 / 255;
  return {
    kind: "pgd",
    norm: "linf",
    eps,
    steps,
    stepSize: eps / steps,
    randomStart: true,
    labels: "true",
    bn: "eval",
  };
}

/** Time `run` after one warm-up; every repetition ends with a read-back, so the work is really done. */
function time(steps: number, run: () => void): { wallMs: number; cpuMs: number } {
  run();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < steps; i++) run();
  const wallMs = (performance.now() - start) / steps;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 / steps };
}

interface Fixture {
  model: Model;
  ctx: StepContext;
  x: tf.Tensor4D;
  y: tf.Tensor1D;
}

function measure(f: Fixture, which: Measurement, opts: ThroughputOptions): ThroughputResult {
  const adv = benchAdversary(opts.pgdSteps);
  const oneStep = benchAdversary(1);
  let what: string;
  let run: () => void;
  switch (which) {
    case "train":
      what = "forward + backward + SGD update (BN batch statistics)";
      run = () => void trainStep(f.ctx, f.x, f.y);
      break;
    case "pgd":
      what = "one PGD ℓ∞ step: forward + input gradient (BN running statistics)";
      run = () => {
        const xAdv = pgdAttack(f.model, f.x, f.y, oneStep, { seed: 3 });
        xAdv.dataSync();
        xAdv.dispose();
      };
      break;
    case "adversarial":
      what = `PGD ℓ∞ n=${opts.pgdSteps} (BN running statistics) + training step`;
      run = () => void adversarialTrainStep(f.ctx, f.x, f.y, adv, 4);
      break;
    case "inference":
      what = "forward (BN running statistics)";
      run = () => tf.tidy(() => void f.model.forward(f.x, "running").logits.dataSync());
      break;
  }
  const t = guardMemory(() => time(opts.steps, run), { batch: opts.batch, model: modelName(opts.model) });
  return {
    measurement: which,
    what,
    imagesPerSec: (opts.batch * 1000) / t.wallMs,
    msPerStep: t.wallMs,
    imagesPerCpuSec: (opts.batch * 1000) / t.cpuMs,
    cpuMsPerStep: t.cpuMs,
    steps: opts.steps,
  };
}

/** Build the model once and run the requested measurements on the active backend. */
export function measureThroughput(opts: ThroughputOptions): ThroughputReport {
  if (!Number.isInteger(opts.batch) || opts.batch < 1) throw new UserError(`batch must be a positive integer`);
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new UserError(`steps must be a positive integer`);
  const model = guardMemory(() => buildModel(opts.model, opts.data, 1), { model: modelName(opts.model) });
  const optimizer = new Sgd(model.params, { momentum: 0.9, nesterov: false, weightDecay: 0 });
  const { x, y } = syntheticBatch(opts.data, opts.batch);
  const fixture: Fixture = { model, ctx: { model, optimizer, lr: 0.01, masks: null }, x, y };
  try {
    const results: ThroughputResult[] = [];
    for (const which of opts.only ?? MEASUREMENTS) {
      const r = measure(fixture, which, opts);
      results.push(r);
      opts.onResult?.(r);
    }
    return {
      backend: tf.getBackend(),
      model: modelName(opts.model),
      parameters: countParams(model).total,
      batch: opts.batch,
      results,
    };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

export interface KernelShare {
  kernel: string;
  ms: number;
  share: number;
  calls: number;
}

/**
 * Where a training step's time goes: tf.profile of one step (after a warm-up),
 * summed per kernel name; convolution kernels are split by input shapes.
 */
export async function profileTrainStep(opts: Pick<ThroughputOptions, "model" | "data" | "batch">): Promise<{
  wallMs: number;
  cpuMs: number;
  kernels: KernelShare[];
}> {
  const model = buildModel(opts.model, opts.data, 1);
  const optimizer = new Sgd(model.params, { momentum: 0.9, nesterov: false, weightDecay: 0 });
  const { x, y } = syntheticBatch(opts.data, opts.batch);
  const ctx: StepContext = { model, optimizer, lr: 0.01, masks: null };
  try {
    trainStep(ctx, x, y);
    const cpu = process.cpuUsage();
    const start = performance.now();
    const info = await tf.profile(() => void trainStep(ctx, x, y));
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const totals = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const key = k.name.startsWith("Conv2D") ? `${k.name} ${JSON.stringify(k.inputShapes)}` : k.name;
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += k.kernelTimeMs as number;
      e.calls += 1;
      totals.set(key, e);
    }
    const sum = [...totals.values()].reduce((a, e) => a + e.ms, 0);
    const kernels = [...totals]
      .map(([kernel, e]) => ({ kernel, ms: e.ms, share: e.ms / sum, calls: e.calls }))
      .sort((a, b) => b.ms - a.ms);
    return { wallMs, cpuMs: (used.user + used.system) / 1000, kernels };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}
