/**
 * The synthetic dataset exactly as src/core/datasets.ts defines it (SYNTHETIC,
 * DATASETS.synthetic): `classes` prototypes drawn i.i.d. U[0,1) per value from
 * Rng(seed) in class order, row-major HWC; example i of the train (test) split has
 * label i mod classes and pixels clip(prototype[label] + noise·N(0,1), 0, 1), the
 * normals drawn from Rng(seed + 1) (Rng(seed + 2)) in example order. Float pixels,
 * so nothing is lost to quantisation; the same values on every machine.
 */
import { DATASETS, SYNTHETIC as DEFINITION } from "../../core/datasets.js";
import { Rng } from "../rng.js";
import type { Split } from "./types.js";

const info = DATASETS.synthetic;

export const SYNTHETIC = {
  shape: [info.height, info.width, info.channels] as [number, number, number],
  numClasses: info.classes,
  trainCount: info.trainSize,
  testCount: info.testSize,
  seed: DEFINITION.seed,
  noise: DEFINITION.noise,
};

function prototypes(): Float32Array[] {
  const rng = new Rng(SYNTHETIC.seed);
  const size = SYNTHETIC.shape[0] * SYNTHETIC.shape[1] * SYNTHETIC.shape[2];
  return Array.from({ length: SYNTHETIC.numClasses }, () => {
    const proto = new Float32Array(size);
    for (let i = 0; i < size; i++) proto[i] = rng.nextFloat();
    return proto;
  });
}

function sample(protos: Float32Array[], count: number, rng: Rng): Split {
  const size = protos[0].length;
  const images = new Float32Array(count * size);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % SYNTHETIC.numClasses;
    labels[n] = label;
    const proto = protos[label];
    for (let i = 0; i < size; i++) {
      images[n * size + i] = Math.min(1, Math.max(0, proto[i] + SYNTHETIC.noise * rng.normal()));
    }
  }
  return { images, labels, count };
}

export function generateSynthetic(): { train: Split; test: Split } {
  const protos = prototypes();
  return {
    train: sample(protos, SYNTHETIC.trainCount, new Rng(SYNTHETIC.seed + 1)),
    test: sample(protos, SYNTHETIC.testCount, new Rng(SYNTHETIC.seed + 2)),
  };
}
