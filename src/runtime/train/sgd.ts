/**
 * SGD with momentum in PyTorch's formulation (open_lth's optimiser):
 *   g ← ∇ + wd·w;  v ← μ·v + g;  w ← w − lr·v   (Nesterov: w ← w − lr·(g + μ·v)).
 * Momentum buffers are kept per parameter name so they can be checkpointed.
 */
import type { ScheduleConfig } from "../../core/config.js";
import type { ModelParam } from "../models/model.js";
import { tf } from "../tf.js";

export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export class Sgd {
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(
    private readonly params: readonly ModelParam[],
    private readonly opts: SgdOptions,
  ) {
    for (const p of params) {
      // tidy disposes the zeros: the variable holds its own reference to the data.
      const name = `${p.name}.momentum.${uid()}`;
      this.buffers.set(
        p.name,
        tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false, name)),
      );
    }
  }

  static fromSchedule(params: readonly ModelParam[], s: ScheduleConfig): Sgd {
    return new Sgd(params, { momentum: s.momentum, nesterov: s.nesterov, weightDecay: s.weightDecay });
  }

  /** Apply one update with these gradients (keyed by variable name). */
  step(grads: Record<string, tf.Tensor>, lr: number): void {
    const { momentum, nesterov, weightDecay } = this.opts;
    for (const p of this.params) {
      const grad = grads[p.variable.name];
      if (grad === undefined) continue;
      const buf = this.buffers.get(p.name) as tf.Variable;
      tf.tidy(() => {
        const g = weightDecay !== 0 ? tf.add(grad, tf.mul(p.variable, weightDecay)) : grad;
        const v = momentum !== 0 ? tf.add(tf.mul(buf, momentum), g) : g;
        if (momentum !== 0) buf.assign(v);
        const dir = nesterov ? tf.add(g, tf.mul(v, momentum)) : v;
        p.variable.assign(tf.sub(p.variable, tf.mul(dir, lr)));
      });
    }
  }

  /** Momentum buffers as plain arrays, by parameter name (for checkpoints). */
  async exportState(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, buf] of this.buffers) out.set(name, (await buf.data()) as Float32Array);
    return out;
  }

  importState(state: Map<string, Float32Array>): void {
    for (const [name, buf] of this.buffers) {
      const values = state.get(name);
      if (values === undefined) continue;
      tf.tidy(() => buf.assign(tf.tensor(values, buf.shape)));
    }
  }

  dispose(): void {
    for (const buf of this.buffers.values()) buf.dispose();
    this.buffers.clear();
  }
}

let counter = 0;
/** tfjs variable names are global; make momentum buffers unique per optimiser. */
function uid(): number {
  counter += 1;
  return counter;
}

/** lr × gamma^(number of milestones ≤ epoch), where epoch is 0-based (the epoch being trained). */
export function learningRate(s: ScheduleConfig, epoch: number): number {
  const passed = s.milestones.filter((m) => m <= epoch).length;
  return s.lr * s.gamma ** passed;
}
