import { UserError } from "../../core/user-error.js";
import type { Model } from "../models/model.js";
import { tf } from "../tf.js";
import type { MaskTensors } from "../train/step.js";
import type { LayerWeights, Mask } from "./mask.js";

/** The model's prunable weights as plain arrays, in parameter order. */
export async function prunableWeights(model: Model): Promise<LayerWeights[]> {
  const out: LayerWeights[] = [];
  for (const p of model.params) {
    if (!p.prunable) continue;
    out.push({ name: p.name, shape: [...p.variable.shape], values: (await p.variable.data()) as Float32Array });
  }
  return out;
}

/** Names and shapes of the prunable weights (random masks need nothing else). */
export function prunableShapes(model: Model): { name: string; shape: number[] }[] {
  return model.params.filter((p) => p.prunable).map((p) => ({ name: p.name, shape: [...p.variable.shape] }));
}

/**
 * 0/1 tensors keyed by tfjs variable name for the trainer. Every prunable
 * parameter must have a layer in the mask; the caller disposes the tensors.
 */
export function maskTensors(model: Model, mask: Mask): MaskTensors {
  const byName = new Map(mask.layers.map((l) => [l.name, l]));
  const out: MaskTensors = new Map();
  for (const p of model.params) {
    if (!p.prunable) continue;
    const l = byName.get(p.name);
    const n = p.variable.size;
    if (l === undefined || l.keep.length !== n) {
      tf.dispose([...out.values()]);
      throw new UserError(
        `mask does not match model ${model.description} at ${p.name}`,
        "the run store holds a mask for another model; delete the mask job's directory to recompute it",
      );
    }
    out.set(p.variable.name, tf.tensor(Float32Array.from(l.keep), p.variable.shape, "float32"));
  }
  return out;
}
