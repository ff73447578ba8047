/**
 * A small deterministic dataset for tests and demos that need no files:
 * 16×16×3 images in 10 classes, 2,000 train / 500 test. Each class has a smooth
 * prototype image (a random 4×4 colour grid, bilinearly upsampled); an example
 * is its class's prototype plus Gaussian noise, so the task is learnable but
 * not trivial. The same bytes are produced on every machine.
 */
import { Rng } from "../rng.js";
import type { Split } from "./types.js";

export const SYNTHETIC = {
  shape: [16, 16, 3] as [number, number, number],
  numClasses: 10,
  trainCount: 2000,
  testCount: 500,
  noise: 0.25,
};

const GRID = 4;

function prototypes(rng: Rng): Float32Array[] {
  const [h, w, c] = SYNTHETIC.shape;
  const protos: Float32Array[] = [];
  for (let k = 0; k < SYNTHETIC.numClasses; k++) {
    const grid = Float32Array.from({ length: GRID * GRID * c }, () => rng.nextFloat());
    const img = new Float32Array(h * w * c);
    for (let y = 0; y < h; y++) {
      const gy = (y / (h - 1)) * (GRID - 1);
      const y0 = Math.min(Math.floor(gy), GRID - 2);
      const fy = gy - y0;
      for (let x = 0; x < w; x++) {
        const gx = (x / (w - 1)) * (GRID - 1);
        const x0 = Math.min(Math.floor(gx), GRID - 2);
        const fx = gx - x0;
        for (let ch = 0; ch < c; ch++) {
          const at = (yy: number, xx: number) => grid[(yy * GRID + xx) * c + ch];
          const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
          const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
          img[(y * w + x) * c + ch] = top * (1 - fy) + bottom * fy;
        }
      }
    }
    protos.push(img);
  }
  return protos;
}

function sample(protos: Float32Array[], count: number, rng: Rng): Split {
  const size = protos[0].length;
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.nextInt(SYNTHETIC.numClasses);
    labels[n] = label;
    const proto = protos[label];
    for (let i = 0; i < size; i++) {
      const v = proto[i] + SYNTHETIC.noise * rng.normal();
      images[n * size + i] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  return { images, labels, count };
}

export function generateSynthetic(): { train: Split; test: Split } {
  const protos = prototypes(Rng.derive("synthetic", "prototypes"));
  return {
    train: sample(protos, SYNTHETIC.trainCount, Rng.derive("synthetic", "train")),
    test: sample(protos, SYNTHETIC.testCount, Rng.derive("synthetic", "test")),
  };
}
