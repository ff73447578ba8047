import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, expect, it } from "vitest";
import { registerWasmTrainingKernels } from "../../src/runtime/backend/wasm-kernels.js";
import { tf } from "../../src/runtime/tf.js";
import { describeEngine, engineBackend } from "../helpers/engine.js";

type Pad = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  k: number;
  outC: number;
  stride: number;
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], k: 3, outC: 4, stride: 1, pad: "same" },
  { x: [3, 9, 7, 5], k: 3, outC: 6, stride: 2, pad: "same" },
  { x: [2, 8, 8, 4], k: 3, outC: 8, stride: 2, pad: "same" },
  { x: [2, 8, 8, 4], k: 1, outC: 8, stride: 2, pad: "same" },
  { x: [2, 10, 10, 3], k: 1, outC: 5, stride: 2, pad: "valid" },
  { x: [2, 7, 7, 3], k: 3, outC: 2, stride: 1, pad: "valid" },
  { x: [2, 9, 9, 3], k: 3, outC: 4, stride: 2, pad: "valid" },
  {
    x: [2, 6, 6, 3],
    k: 3,
    outC: 4,
    stride: 1,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
];

/** Deterministic values in [-1, 1) so both backends see identical inputs. */
function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

function gradsOn(backend: string, c: Case): Promise<{ dx: Float32Array; dw: Float32Array }> {
  return (async () => {
    await tf.setBackend(backend);
    const wShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.outC];
    const x = tf.tensor4d(
      values(
        c.x.reduce((a, b) => a * b),
        1,
      ),
      c.x,
    );
    const w = tf.tensor4d(
      values(
        wShape.reduce((a, b) => a * b),
        2,
      ),
      wShape,
    );
    const probeShape = tf.tidy(() => tf.conv2d(x, w, c.stride, c.pad).shape);
    const probe = tf.tensor(
      values(
        probeShape.reduce((a, b) => a * b),
        3,
      ),
      probeShape,
    );
    const g = tf.grads((a, b) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), probe)));
    const [dx, dw] = g([x, w]);
    const out = { dx: (await dx.data()) as Float32Array, dw: (await dw.data()) as Float32Array };
    tf.dispose([x, w, probe, dx, dw]);
    return out;
  })();
}

function relError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

const subject = engineBackend("wasm");
const tfName = subject === "node" ? "tensorflow" : subject;
/**
 * Largest error relative to the largest gradient entry. lthc's wasm kernels sum in
 * the cpu backend's order (1e-5); libtensorflow's oneDNN convolutions use blocked,
 * multi-threaded sums over up to 3·3·8 = 72 float32 terms per entry, whose
 * reordering alone moves results by a few 1e-5 (measured: up to 6e-5).
 */
const TOLERANCE = subject === "node" ? 2e-4 : 1e-5;

describeEngine("wasm", "conv gradients (training kernels) against the cpu reference", () => {
  beforeAll(() => {
    if (subject === "wasm") registerWasmTrainingKernels();
  });

  // tfjs-node's conv backprop kernels accept only 'same' and 'valid' (it throws for explicit
  // padding); lthc's models use 'same' only (src/runtime/models/network.ts).
  for (const c of subject === "node" ? CASES.filter((k) => typeof k.pad === "string") : CASES) {
    const name = `${c.x.join("×")} k${c.k} s${c.stride} ${typeof c.pad === "string" ? c.pad : "explicit"}`;
    it(`match the cpu backend: ${name}`, async () => {
      const ref = await gradsOn("cpu", c);
      await tf.setBackend(tfName);
      const before = tf.memory().numTensors;
      const got = await gradsOn(tfName, c);
      expect(tf.memory().numTensors).toBe(before);
      expect(got.dx.length).toBe(ref.dx.length);
      expect(got.dw.length).toBe(ref.dw.length);
      expect(relError(got.dx, ref.dx)).toBeLessThan(TOLERANCE);
      expect(relError(got.dw, ref.dw)).toBeLessThan(TOLERANCE);
    });
  }
});
