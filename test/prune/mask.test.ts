import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import {
  achievedDensity,
  countKept,
  emptiedLayers,
  type LayerWeights,
  layerDensities,
  magnitudeMask,
  randomGlobalMask,
  shuffleWithinLayers,
} from "../../src/runtime/prune/mask.js";
import { decodeMask, encodeMask } from "../../src/runtime/prune/mask-file.js";
import { Rng } from "../../src/runtime/rng.js";

function layers(seed: number): LayerWeights[] {
  const rng = new Rng(seed);
  const mk = (name: string, shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = rng.normal();
    return { name, shape, values };
  };
  return [mk("conv.kernel", [3, 3, 1, 4]), mk("fc.kernel", [36, 10]), mk("out.kernel", [10, 3])];
}

const TOTAL = 36 + 360 + 30;

describe("magnitude pruning", () => {
  it("keeps exactly round(d × N) weights, the largest by |w|", () => {
    const w = layers(1);
    for (const d of [0.8, 0.64, 0.512, 0.1, 0.028, 1]) {
      const mask = magnitudeMask(w, d);
      const { kept, total } = countKept(mask);
      expect(total).toBe(TOTAL);
      expect(kept).toBe(Math.round(d * TOTAL));
      expect(achievedDensity(mask)).toBe(kept / TOTAL);
      let minKept = Number.POSITIVE_INFINITY;
      let maxPruned = 0;
      mask.layers.forEach((l, li) => {
        l.keep.forEach((k, i) => {
          const a = Math.abs(w[li].values[i]);
          if (k === 1) minKept = Math.min(minKept, a);
          else maxPruned = Math.max(maxPruned, a);
        });
      });
      expect(minKept).toBeGreaterThanOrEqual(maxPruned);
    }
  });

  it("breaks ties deterministically by flat index", () => {
    const w: LayerWeights[] = [
      { name: "a", shape: [4], values: new Float32Array([1, 1, 1, 1]) },
      { name: "b", shape: [2], values: new Float32Array([-1, 1]) },
    ];
    const mask = magnitudeMask(w, 0.5);
    expect(Array.from(mask.layers[0].keep)).toEqual([1, 1, 1, 0]);
    expect(Array.from(mask.layers[1].keep)).toEqual([0, 0]);
  });

  it("IMP refines the previous mask: a subset at the new density", () => {
    const first = magnitudeMask(layers(1), 0.8);
    // Trained further: different magnitudes, pruned weights at zero.
    const next = layers(2).map((l, li) => ({
      ...l,
      values: l.values.map((v, i) => (first.layers[li].keep[i] ? v : 0)),
    }));
    const second = magnitudeMask(next, 0.64, first);
    expect(countKept(second).kept).toBe(Math.round(0.64 * TOTAL));
    second.layers.forEach((l, li) => {
      for (let i = 0; i < l.keep.length; i++) if (l.keep[i]) expect(first.layers[li].keep[i]).toBe(1);
    });
    // Even if a pruned weight has a large magnitude, it stays pruned.
    const bumped = next.map((l) => ({ ...l, values: l.values.map((v) => (v === 0 ? 100 : v)) }));
    const third = magnitudeMask(bumped, 0.64, first);
    expect(third).toEqual(second);
  });
});

describe("random pruning", () => {
  const shapes = layers(1).map(({ name, shape }) => ({ name, shape }));

  it("global: exact count, deterministic per seed, different across seeds", () => {
    const a = randomGlobalMask(shapes, 0.3, 7);
    const b = randomGlobalMask(shapes, 0.3, 7);
    const c = randomGlobalMask(shapes, 0.3, 8);
    expect(countKept(a).kept).toBe(Math.round(0.3 * TOTAL));
    expect(countKept(c).kept).toBe(Math.round(0.3 * TOTAL));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("layerwise: shuffles within each layer, keeping per-layer counts", () => {
    const magnitude = magnitudeMask(layers(1), 0.2);
    const a = shuffleWithinLayers(magnitude, 1);
    const b = shuffleWithinLayers(magnitude, 2);
    const perLayer = (m: typeof a) => m.layers.map((l) => l.keep.reduce((s, k) => s + k, 0));
    expect(perLayer(a)).toEqual(perLayer(magnitude));
    expect(perLayer(b)).toEqual(perLayer(magnitude));
    expect(a).not.toEqual(magnitude);
    expect(a).not.toEqual(b);
  });
});

describe("mask file", () => {
  it("round-trips and rejects corruption", () => {
    const mask = magnitudeMask(layers(3), 0.4);
    const bytes = encodeMask(mask);
    expect(decodeMask(bytes)).toEqual(mask);
    const bad = bytes.slice();
    bad[bad.length - 1] ^= 1;
    expect(() => decodeMask(bad, "x/mask.bin")).toThrow(UserError);
    expect(() => decodeMask(bytes.slice(0, 20))).toThrow(/corrupt mask file/);
  });
});

describe("per-layer densities (issue 11, fault 4)", () => {
  it("counts each layer's kept weights and finds the layers a global mask empties", () => {
    // Layer a's weights are all smaller than layer b's: at 25% global magnitude keeps only b's.
    const weights = [
      { name: "a", shape: [4], values: Float32Array.from([0.01, -0.02, 0.03, 0.04]) },
      { name: "b", shape: [4], values: Float32Array.from([1, -2, 3, -4]) },
    ];
    const layers = layerDensities(magnitudeMask(weights, 0.25));
    expect(layers).toEqual([
      { layer: "a", kept: 0, total: 4 },
      { layer: "b", kept: 2, total: 4 },
    ]);
    expect(emptiedLayers(layers).map((l) => l.layer)).toEqual(["a"]);
    expect(emptiedLayers(layerDensities(magnitudeMask(weights, 1)))).toEqual([]);
  });
});
