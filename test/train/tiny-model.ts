/**
 * Small hand-written Models for the training, attack and pruning tests, so those
 * tests do not depend on the production model zoo: a linear classifier and an
 * MLP with one BatchNorm layer (batch moments returned, running stats blended).
 */
import type { BatchStat, BnMode, ForwardResult, Model, ModelParam } from "../../src/runtime/models/model.js";
import { Rng } from "../../src/runtime/rng.js";
import { tf } from "../../src/runtime/tf.js";

let uid = 0;
function v(t: tf.Tensor, name: string, trainable = true): tf.Variable {
  uid += 1;
  return tf.variable(t, trainable, `${name}#${uid}`);
}

function randn(rng: Rng, shape: number[], scale: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * scale;
  return tf.tensor(data, shape);
}

export interface TinyOptions {
  inputShape: [number, number, number];
  numClasses: number;
  /** Hidden width; 0 = a linear classifier. */
  hidden: number;
  batchNorm: boolean;
  seed: number;
}

export class TinyModel implements Model {
  readonly description: string;
  readonly params: ModelParam[] = [];
  readonly state: ModelParam[] = [];
  updateCalls = 0;

  constructor(readonly opts: TinyOptions) {
    const rng = new Rng(opts.seed);
    const inDim = opts.inputShape[0] * opts.inputShape[1] * opts.inputShape[2];
    this.inputShape = opts.inputShape;
    this.numClasses = opts.numClasses;
    this.description = `tiny(${opts.hidden},${opts.batchNorm ? "bn" : "nobn"})`;
    const add = (name: string, t: tf.Tensor, prunable: boolean) =>
      this.params.push({ name, variable: v(t, name), prunable });
    if (opts.hidden > 0) {
      add("fc1.kernel", randn(rng, [inDim, opts.hidden], Math.sqrt(2 / inDim)), true);
      add("fc1.bias", tf.zeros([opts.hidden]), false);
      if (opts.batchNorm) {
        add("bn1.gamma", tf.ones([opts.hidden]), false);
        add("bn1.beta", tf.zeros([opts.hidden]), false);
        this.state.push({ name: "bn1.mean", variable: v(tf.zeros([opts.hidden]), "bn1.mean", false), prunable: false });
        this.state.push({ name: "bn1.var", variable: v(tf.ones([opts.hidden]), "bn1.var", false), prunable: false });
      }
    }
    const last = opts.hidden > 0 ? opts.hidden : inDim;
    add("out.kernel", randn(rng, [last, opts.numClasses], Math.sqrt(1 / last)), true);
    add("out.bias", tf.zeros([opts.numClasses]), false);
  }

  readonly inputShape: [number, number, number];
  readonly numClasses: number;

  private p(name: string): tf.Variable {
    const found = this.params.find((p) => p.name === name) ?? this.state.find((p) => p.name === name);
    if (found === undefined) throw new Error(name);
    return found.variable;
  }

  forward(x: tf.Tensor4D, bn: BnMode): ForwardResult {
    const batchStats: BatchStat[] = [];
    // No tidy here: callers run forward inside their own tidy (the Model contract).
    const logits = (() => {
      let h = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
      if (this.opts.hidden > 0) {
        h = tf.add(tf.matMul(h, this.p("fc1.kernel")), this.p("fc1.bias")) as tf.Tensor2D;
        if (this.opts.batchNorm) {
          let mean: tf.Tensor1D;
          let variance: tf.Tensor1D;
          if (bn === "batch") {
            const m = tf.moments(h, 0);
            mean = m.mean as tf.Tensor1D;
            variance = m.variance as tf.Tensor1D;
            batchStats.push({ layer: "bn1", mean, variance });
          } else {
            mean = this.p("bn1.mean") as tf.Tensor as tf.Tensor1D;
            variance = this.p("bn1.var") as tf.Tensor as tf.Tensor1D;
          }
          h = tf.batchNorm(h, mean, variance, this.p("bn1.beta"), this.p("bn1.gamma"), 1e-5) as tf.Tensor2D;
        }
        h = tf.relu(h) as tf.Tensor2D;
      }
      return tf.add(tf.matMul(h, this.p("out.kernel")), this.p("out.bias")) as tf.Tensor2D;
    })();
    return { logits, batchStats };
  }

  updateRunningStats(stats: BatchStat[], momentum: number): void {
    this.updateCalls += 1;
    for (const s of stats) {
      tf.tidy(() => {
        const mean = this.p("bn1.mean");
        const variance = this.p("bn1.var");
        mean.assign(tf.add(tf.mul(mean, 1 - momentum), tf.mul(s.mean, momentum)));
        variance.assign(tf.add(tf.mul(variance, 1 - momentum), tf.mul(s.variance, momentum)));
      });
    }
  }

  dispose(): void {
    for (const p of [...this.params, ...this.state]) p.variable.dispose();
  }
}

/** Set a parameter's values (tests construct known linear classifiers). */
export function setParam(model: Model, name: string, values: number[] | Float32Array): void {
  const p = model.params.find((q) => q.name === name);
  if (p === undefined) throw new Error(name);
  tf.tidy(() => p.variable.assign(tf.tensor(values, p.variable.shape)));
}

export async function snapshot(model: Model): Promise<Float32Array[]> {
  return Promise.all([...model.params, ...model.state].map(async (p) => (await p.variable.data()) as Float32Array));
}
