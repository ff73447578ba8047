/**
 * Pruning masks over a model's prunable weights (conv and dense kernels).
 * Counts are exact: a mask at density d keeps round(d × N) of the N prunable
 * weights, with ties in |w| broken by flat index (lower index kept first), so
 * masks are deterministic on every backend.
 */

import { UserError } from "../../core/user-error.js";
import type { LayerDensity } from "../job-api.js";
import { Rng } from "../rng.js";

export interface LayerWeights {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface MaskLayer {
  name: string;
  shape: number[];
  /** 1 = kept, 0 = pruned; one byte per weight, row-major like the weight tensor. */
  keep: Uint8Array;
}

export interface Mask {
  layers: MaskLayer[];
}

/** Kept and total weights of every layer of the mask, in its layer order. */
export function layerDensities(mask: Mask): LayerDensity[] {
  return mask.layers.map((l) => {
    let kept = 0;
    for (let i = 0; i < l.keep.length; i++) kept += l.keep[i];
    return { layer: l.name, kept, total: l.keep.length };
  });
}

/** Layers with weights of which the mask keeps none: the network's output no longer depends on its input. */
export function emptiedLayers(layers: readonly LayerDensity[]): LayerDensity[] {
  return layers.filter((l) => l.total > 0 && l.kept === 0);
}

export function countKept(mask: Mask): { kept: number; total: number } {
  let kept = 0;
  let total = 0;
  for (const l of mask.layers) {
    total += l.keep.length;
    for (let i = 0; i < l.keep.length; i++) kept += l.keep[i];
  }
  return { kept, total };
}

/** kept / total over all prunable weights. */
export function achievedDensity(mask: Mask): number {
  const { kept, total } = countKept(mask);
  return total === 0 ? 1 : kept / total;
}

export function targetCount(density: number, total: number): number {
  if (!(density > 0 && density <= 1)) throw new RangeError(`density must be in (0, 1], got ${density}`);
  return Math.round(density * total);
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The layers of `mask` aligned to `layers` by name and shape; a mismatch is an error. */
function aligned(layers: readonly { name: string; shape: number[] }[], mask: Mask): MaskLayer[] {
  const byName = new Map(mask.layers.map((l) => [l.name, l]));
  return layers.map((l) => {
    const m = byName.get(l.name);
    if (m === undefined || m.keep.length !== size(l.shape)) {
      throw new UserError(
        `the previous mask does not match the model at layer ${l.name}`,
        "delete the mask job directories of this IMP chain to recompute them",
      );
    }
    return m;
  });
}

/**
 * Global magnitude pruning: keep the round(density × N) largest |w| over all
 * layers. With `previous` (IMP), only surviving weights compete, so the result
 * refines it; the density is still relative to all N prunable weights.
 */
export function magnitudeMask(weights: readonly LayerWeights[], density: number, previous: Mask | null = null): Mask {
  const prev = previous === null ? null : aligned(weights, previous);
  const offsets: number[] = [];
  let total = 0;
  for (const w of weights) {
    offsets.push(total);
    total += w.values.length;
  }
  const keepN = targetCount(density, total);
  const candidates: number[] = [];
  const mags = new Float32Array(total);
  weights.forEach((w, li) => {
    const off = offsets[li];
    for (let i = 0; i < w.values.length; i++) {
      mags[off + i] = Math.abs(w.values[i]);
      if (prev === null || prev[li].keep[i] === 1) candidates.push(off + i);
    }
  });
  if (keepN > candidates.length) {
    throw new Error(`cannot keep ${keepN} weights: only ${candidates.length} survive the previous mask`);
  }
  // Largest magnitude first; equal magnitudes by flat index so ties are deterministic.
  candidates.sort((a, b) => mags[b] - mags[a] || a - b);
  const flat = new Uint8Array(total);
  for (let i = 0; i < keepN; i++) flat[candidates[i]] = 1;
  return split(weights, offsets, flat);
}

function split(layers: readonly { name: string; shape: number[] }[], offsets: number[], flat: Uint8Array): Mask {
  return {
    layers: layers.map((l, li) => ({
      name: l.name,
      shape: [...l.shape],
      keep: flat.slice(offsets[li], offsets[li] + size(l.shape)),
    })),
  };
}

/**
 * Random global pruning (the thesis's baseline): a uniformly random set of exactly
 * round(density × N) weights over the whole network, every weight an even chance.
 * With `previous`, the set is drawn among the surviving weights.
 */
export function randomGlobalMask(
  layers: readonly { name: string; shape: number[] }[],
  density: number,
  seed: number,
  previous: Mask | null = null,
): Mask {
  const prev = previous === null ? null : aligned(layers, previous);
  const offsets: number[] = [];
  let total = 0;
  for (const l of layers) {
    offsets.push(total);
    total += size(l.shape);
  }
  const keepN = targetCount(density, total);
  const candidates: number[] = [];
  layers.forEach((l, li) => {
    for (let i = 0; i < size(l.shape); i++)
      if (prev === null || prev[li].keep[i] === 1) candidates.push(offsets[li] + i);
  });
  if (keepN > candidates.length) {
    throw new Error(`cannot keep ${keepN} weights: only ${candidates.length} survive the previous mask`);
  }
  const chosen = new Rng(seed).shuffle(Uint32Array.from(candidates));
  const flat = new Uint8Array(total);
  for (let i = 0; i < keepN; i++) flat[chosen[i]] = 1;
  return split(layers, offsets, flat);
}

/**
 * Random layerwise pruning (open_lth's random baseline): each layer's mask is
 * shuffled within the layer, so per-layer kept counts equal the given mask's.
 */
export function shuffleWithinLayers(mask: Mask, seed: number): Mask {
  const rng = new Rng(seed);
  return {
    layers: mask.layers.map((l) => ({ name: l.name, shape: [...l.shape], keep: rng.shuffle(l.keep.slice()) })),
  };
}

/**
 * Layerwise magnitude pruning: each layer keeps round(density × its size) of its
 * largest |w| (with `previous`, among its survivors).
 */
export function layerwiseMagnitudeMask(
  weights: readonly LayerWeights[],
  density: number,
  previous: Mask | null = null,
): Mask {
  const prev = previous === null ? null : aligned(weights, previous);
  return {
    layers: weights.map((w, li) => {
      const sub = prev === null ? null : { layers: [prev[li]] };
      return magnitudeMask([w], density, sub).layers[0];
    }),
  };
}
