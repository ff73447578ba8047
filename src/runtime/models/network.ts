/**
 * The Model implementation shared by all architectures: variables allocated from
 * a spec with seeded init, input normalisation, BatchNorm in both modes, and the
 * running-statistics update. Architectures supply only their forward pass.
 */
import { batchNormInfer, batchNormTrain } from "../ops/batch-norm.js";
import { type ConvBnOptions, convBnInference, residualRelu } from "../ops/conv-bn.js";
import { deriveSeed, Rng } from "../rng.js";
import { tf } from "../tf.js";
import type { BatchStat, BnMode, ForwardResult, Model, ModelParam } from "./model.js";
import { type ModelSpec, type ParamSpec, sizeOf } from "./spec.js";

export const BN_EPSILON = 1e-5;

export interface NormStats {
  mean: number[];
  std: number[];
}

let nextModelId = 0;

function initialValues(spec: ParamSpec, seed: number): Float32Array {
  const values = new Float32Array(sizeOf(spec.shape));
  if (spec.init === "ones") values.fill(1);
  if (spec.init === "kaiming") {
    // One stream per parameter name: adding a layer never changes another layer's init.
    const rng = new Rng(deriveSeed(seed, "init", spec.name));
    const std = Math.sqrt(2 / (spec.fanIn ?? 1));
    for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
  }
  return values;
}

/** Context handed to an architecture's forward pass. */
export interface Layers {
  conv(x: tf.Tensor4D, name: string, stride: number): tf.Tensor4D;
  bn(x: tf.Tensor4D, name: string): tf.Tensor4D;
  /**
   * [relu](bn(conv(x)) [+ residual]): the same as composing conv, bn, add and relu, and one
   * fused kernel where the backend has it (BN with running statistics, native CPU backend).
   */
  convBn(x: tf.Tensor4D, conv: string, bn: string, o: ConvBnOptions): tf.Tensor4D;
  dense(x: tf.Tensor2D, name: string): tf.Tensor2D;
}

export type ForwardFn = (x: tf.Tensor4D, layers: Layers) => tf.Tensor2D;

export class Network implements Model {
  readonly description: string;
  readonly inputShape: [number, number, number];
  readonly numClasses: number;
  readonly params: ModelParam[];
  readonly state: ModelParam[];
  readonly spec: ModelSpec;
  private readonly byName = new Map<string, tf.Variable>();
  private readonly normMean: tf.Tensor1D;
  private readonly normInvStd: tf.Tensor1D;
  /** N·H·W of each BN layer's last batch-mode forward, in case a caller drops BatchStat.count. */
  private readonly lastCount = new Map<string, number>();

  constructor(
    spec: ModelSpec,
    norm: NormStats,
    seed: number,
    private readonly forwardFn: ForwardFn,
  ) {
    this.spec = spec;
    this.description = spec.description;
    this.inputShape = spec.inputShape;
    this.numClasses = spec.numClasses;
    const id = nextModelId++;
    const make = (p: ParamSpec, trainable: boolean): ModelParam => {
      // tfjs variable names are global to the engine: make them unique per model instance.
      // tidy: tf.variable keeps its own reference, so the initial tensor must be disposed (else it leaks).
      const variable = tf.tidy(() =>
        tf.variable(tf.tensor(initialValues(p, seed), p.shape), trainable, `m${id}/${p.name}`),
      );
      this.byName.set(p.name, variable);
      return { name: p.name, variable, prunable: p.prunable };
    };
    this.params = spec.params.map((p) => make(p, true));
    this.state = spec.state.map((p) => make(p, false));
    this.normMean = tf.tensor1d(norm.mean);
    this.normInvStd = tf.tensor1d(norm.std.map((s) => 1 / s));
  }

  /** The variable of a parameter or state entry by its stable name. */
  variable(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (v === undefined) throw new Error(`model ${this.description} has no parameter ${name}`);
    return v;
  }

  forward(x: tf.Tensor4D, bn: BnMode): ForwardResult {
    const batchStats: BatchStat[] = [];
    const layers: Layers = {
      conv: (t, name, stride) => {
        const out = tf.conv2d(t, this.variable(`${name}.kernel`) as tf.Tensor4D, stride, "same");
        const bias = this.byName.get(`${name}.bias`);
        return bias === undefined ? out : tf.add(out, bias);
      },
      dense: (t, name) =>
        tf.add(tf.matMul(t, this.variable(`${name}.kernel`) as tf.Tensor2D), this.variable(`${name}.bias`)),
      bn: (t, name) => {
        const gamma = this.variable(`${name}.gamma`) as tf.Tensor1D;
        const beta = this.variable(`${name}.beta`) as tf.Tensor1D;
        if (bn === "running") {
          const mean = this.variable(`${name}.mean`) as tf.Tensor1D;
          const variance = this.variable(`${name}.variance`) as tf.Tensor1D;
          return batchNormInfer(t, gamma, beta, mean, variance, BN_EPSILON);
        }
        const r = batchNormTrain(t, gamma, beta, BN_EPSILON);
        const count = t.shape[0] * t.shape[1] * t.shape[2];
        this.lastCount.set(name, count);
        batchStats.push({ layer: name, mean: r.mean, variance: r.variance, count });
        return r.y;
      },
      convBn: (t, conv, bnName, o) => {
        if (bn === "running" && !this.byName.has(`${conv}.bias`)) {
          const v = (suffix: string) => this.variable(`${bnName}.${suffix}`) as tf.Tensor1D;
          const filter = this.variable(`${conv}.kernel`) as tf.Tensor4D;
          return convBnInference(t, filter, v("gamma"), v("beta"), v("mean"), v("variance"), BN_EPSILON, o);
        }
        return residualRelu(layers.bn(layers.conv(t, conv, o.stride), bnName), o);
      },
    };
    const normalised = tf.mul(tf.sub(x, this.normMean), this.normInvStd) as tf.Tensor4D;
    return { logits: this.forwardFn(normalised, layers), batchStats };
  }

  /**
   * PyTorch's convention: running ← (1 − m)·running + m·batch, with m = 0.1 the
   * usual value, and the running variance unbiased (× n/(n−1)).
   */
  updateRunningStats(stats: BatchStat[], momentum: number): void {
    tf.tidy(() => {
      for (const s of stats) {
        const n = s.count ?? this.lastCount.get(s.layer) ?? 0;
        const unbiased = n > 1 ? tf.mul(s.variance, n / (n - 1)) : s.variance;
        const mean = this.variable(`${s.layer}.mean`);
        const variance = this.variable(`${s.layer}.variance`);
        mean.assign(tf.add(tf.mul(mean, 1 - momentum), tf.mul(s.mean, momentum)));
        variance.assign(tf.add(tf.mul(variance, 1 - momentum), tf.mul(unbiased, momentum)));
      }
    });
  }

  dispose(): void {
    for (const p of [...this.params, ...this.state]) p.variable.dispose();
    tf.dispose([this.normMean, this.normInvStd]);
  }
}
