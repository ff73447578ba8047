import "@tensorflow/tfjs-backend-cpu";
import { describe, expect, it } from "vitest";
import {
  augmentImage,
  type Batch,
  batchesPerEpoch,
  batchTensors,
  epochBatches,
  epochOrder,
  evalBatches,
  type Split,
  trainBatches,
} from "../../src/runtime/data/index.js";
import { tf } from "../../src/runtime/tf.js";

const shape: [number, number, number] = [4, 4, 2];

/** 10 images whose first channel encodes (image, pixel) and second is 200: easy to trace. */
function split(count = 10): Split {
  const images = new Uint8Array(count * 32);
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < 16; p++) {
      images[n * 32 + p * 2] = n * 16 + p;
      images[n * 32 + p * 2 + 1] = 200;
    }
  }
  return { images, labels: Uint8Array.from({ length: count }, (_, n) => n % 3), count };
}

const opts = { batchSize: 4, seed: 123, flip: true, crop: 1 };
const collect = (g: Iterable<Batch>) => Array.from(g);

describe("training batches", () => {
  it("each epoch visits every example once, in a seeded order that changes per epoch", () => {
    const a = epochOrder(10, 123, 0);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochOrder(10, 123, 0)).toEqual(a);
    expect(epochOrder(10, 123, 1)).not.toEqual(a);
    expect(epochOrder(10, 124, 0)).not.toEqual(a);

    const s = split();
    const batches = collect(epochBatches(s, shape, { ...opts, flip: false, crop: 0 }, 0));
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batchesPerEpoch(10, 4)).toBe(3);
    expect(batchesPerEpoch(10, 4, true)).toBe(2);
    const seen = batches.flatMap((b) =>
      Array.from({ length: b.size }, (_, i) => Math.round(b.images[i * 32] * 255) / 16),
    );
    expect(seen).toEqual(Array.from(a));
    expect(batches[0].labels[0]).toBe(a[0] % 3);
    expect(batches[0].shape).toEqual([4, 4, 4, 2]);
  });

  it("the same seed gives identical batches; resuming at (epoch, step) gives the rest exactly", () => {
    const s = split();
    const full = collect(trainBatches(s, shape, opts, { epoch: 0, step: 0 }, 3));
    expect(full.length).toBe(9);
    expect(collect(trainBatches(s, shape, opts, { epoch: 0, step: 0 }, 3))).toEqual(full);
    const resumed = collect(trainBatches(s, shape, opts, { epoch: 1, step: 2 }, 3));
    expect(resumed).toEqual(full.slice(5));
    expect(resumed[0]).toMatchObject({ epoch: 1, step: 2 });
    const other = collect(trainBatches(s, shape, { ...opts, seed: 9 }, { epoch: 0, step: 0 }, 1));
    expect(other[0].images).not.toEqual(full[0].images);
  });

  it("augmentation is seeded: flips and crops vary over images and steps", () => {
    const s = split(64);
    const [batch] = collect(epochBatches(s, shape, { ...opts, batchSize: 64 }, 0));
    const order = epochOrder(64, opts.seed, 0);
    let changed = 0;
    for (let b = 0; b < 64; b++) {
      const plain = Array.from({ length: 32 }, (_, i) => s.images[order[b] * 32 + i] / 255);
      const got = Array.from(batch.images.subarray(b * 32, (b + 1) * 32));
      if (got.some((v, i) => Math.abs(v - plain[i]) > 1e-7)) changed++;
    }
    // P(no flip, no shift) = 1/2 · 1/9 per image.
    expect(changed).toBeGreaterThan(48);
  });

  it("without augmentation, pixels are bytes / 255", () => {
    const s = split();
    const [b] = collect(epochBatches(s, shape, { ...opts, flip: false, crop: 0 }, 0));
    const n = epochOrder(10, opts.seed, 0)[0];
    expect(b.images[5 * 2]).toBeCloseTo((n * 16 + 5) / 255, 7);
    expect(b.images[5 * 2 + 1]).toBeCloseTo(200 / 255, 7);
  });
});

describe("augmentImage", () => {
  // A 3×3 single-channel image with pixels 1..9.
  const src = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const run = (flip: boolean, dy: number, dx: number, pad = 1) => {
    const out = new Float32Array(9);
    augmentImage(src, 0, out, 0, [3, 3, 1], pad, { flip, dy, dx });
    return Array.from(out, (v) => Math.round(v * 255));
  };

  it("centre placement without flip is the identity", () => {
    expect(run(false, 1, 1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("flips horizontally", () => {
    expect(run(true, 1, 1)).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
  });

  it("crops from the zero-padded image", () => {
    // Offset (0,0) in the padded image: shift down-right, zeros enter at top and left.
    expect(run(false, 0, 0)).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5]);
    // Offset (2,2): shift up-left.
    expect(run(false, 2, 2)).toEqual([5, 6, 0, 8, 9, 0, 0, 0, 0]);
    // Flip, then crop: the flipped image [3,2,1;6,5,4;9,8,7] shifted right by one.
    expect(run(true, 1, 0)).toEqual([0, 3, 2, 0, 6, 5, 0, 9, 8]);
  });

  it("keeps channels together", () => {
    const rgb = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    const out = new Float32Array(12);
    augmentImage(rgb, 0, out, 0, [2, 2, 3], 0, { flip: true, dy: 0, dx: 0 });
    expect(Array.from(out, (v) => Math.round(v * 255))).toEqual([3, 4, 5, 0, 1, 2, 9, 10, 11, 6, 7, 8]);
  });
});

describe("evaluation batches and tensors", () => {
  it("come in dataset order and convert to tensors", async () => {
    await tf.setBackend("cpu");
    const s = split();
    const batches = collect(evalBatches(s, shape, 4));
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(Array.from(batches[2].labels)).toEqual([8 % 3, 9 % 3]);
    const before = tf.memory().numTensors;
    const { x, y } = batchTensors(batches[0]);
    expect(x.shape).toEqual([4, 4, 4, 2]);
    expect(y.dtype).toBe("int32");
    expect(Array.from(y.dataSync())).toEqual([0, 1, 2, 0]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
