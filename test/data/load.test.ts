import { appendFileSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import {
  applySubsets,
  channelStats,
  clearDatasetCache,
  loadDataset,
  loadFullDataset,
  locateDataset,
  locateDatasets,
} from "../../src/runtime/data/index.js";
import { datasetHint } from "../../src/runtime/data/locate.js";
import { Rng } from "../../src/runtime/rng.js";
import { tempDir, writeCifarDataset, writeIdxDataset } from "./fixtures.js";

const noSystem = "/nonexistent-lthc-system-datasets";

beforeEach(() => clearDatasetCache());

async function userError(p: Promise<unknown> | (() => unknown)): Promise<UserError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error("expected a UserError");
}

describe("idx loader (MNIST / Fashion-MNIST)", () => {
  for (const gz of [true, false]) {
    it(`decodes ${gz ? "gzipped" : "plain"} idx files to NHWC bytes with stats`, async () => {
      const root = tempDir();
      writeIdxDataset(join(root, "mnist"), 12, 5, gz);
      const ds = await loadFullDataset("mnist", { dataDir: root, env: {}, systemDir: noSystem });
      expect(ds.shape).toEqual([4, 4, 1]);
      expect(ds.numClasses).toBe(10);
      expect(ds.train.count).toBe(12);
      expect(ds.test.count).toBe(5);
      expect(ds.train.images[16 * 3 + 2]).toBe(50);
      expect(Array.from(ds.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      // Fixed constants of the official set, whatever files were found.
      expect([ds.mean, ds.std]).toEqual([[0.1307], [0.3081]]);
      const all = Array.from(ds.train.images, (v) => v / 255);
      const mean = all.reduce((a, v) => a + v, 0) / all.length;
      const stats = channelStats(ds.train, 1);
      expect(stats.mean[0]).toBeCloseTo(mean, 6);
      expect(stats.std[0]).toBeCloseTo(Math.sqrt(all.reduce((a, v) => a + (v - mean) ** 2, 0) / all.length), 6);
      expect(ds.source).toBe(join(root, "mnist"));
    });
  }

  it("a bad magic number is one UserError naming the file", async () => {
    const root = tempDir();
    writeIdxDataset(join(root, "mnist"), 3, 2, false);
    const file = join(root, "mnist", "train-labels-idx1-ubyte");
    const bytes = readFileSync(file);
    bytes[3] = 0x03;
    writeFileSync(file, bytes);
    const err = await userError(loadFullDataset("mnist", { dataDir: root, env: {} }));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/bad magic number 0x00000803/);
    expect(err.hint).toMatch(/MNIST/);
  });

  it("a wrong size and a truncated gzip are UserErrors naming the file", async () => {
    const root = tempDir();
    writeIdxDataset(join(root, "fashion-mnist"), 3, 2, true);
    const file = join(root, "fashion-mnist", "t10k-images-idx3-ubyte.gz");
    truncateSync(file, 20);
    const opts = { dataDir: root, env: {}, systemDir: noSystem };
    let err = await userError(loadFullDataset("fashion-mnist", opts));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/gzip/);
    expect(err.hint).toMatch(/apt-get install dataset-fashion-mnist/);

    // A complete gzip of a short payload: the header promises more images than there are.
    const plain = Buffer.alloc(16 + 10);
    plain.writeUInt32BE(0x803, 0);
    plain.writeUInt32BE(2, 4);
    plain.writeUInt32BE(4, 8);
    plain.writeUInt32BE(4, 12);
    writeFileSync(file, gzipSync(plain));
    err = await userError(loadFullDataset("fashion-mnist", opts));
    expect(err.message).toMatch(/expected 48 bytes for 2 images of 4×4, found 26/);
  });

  it("labels and images that disagree in count are an error", async () => {
    const root = tempDir();
    writeIdxDataset(join(root, "mnist"), 3, 2, false);
    const file = join(root, "mnist", "t10k-labels-idx1-ubyte");
    const bytes = readFileSync(file);
    bytes.writeUInt32BE(3, 4);
    writeFileSync(file, bytes);
    appendFileSync(file, Buffer.from([1]));
    const err = await userError(loadFullDataset("mnist", { dataDir: root, env: {} }));
    expect(err.message).toMatch(/3 labels but .* has 2 images/);
  });
});

describe("CIFAR-10 loader", () => {
  it("reads five train batches and the test batch, CHW → HWC", async () => {
    const root = tempDir();
    writeCifarDataset(join(root, "cifar-10-batches-bin"), 3);
    const ds = await loadFullDataset("cifar10", { dataDir: root, env: {} });
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(ds.train.count).toBe(15);
    expect(ds.test.count).toBe(3);
    // Train example 4 is batch 1 (b = 1), record 1: label (1+1)%10, pixel p channel c = (c*80 + p + 2) % 256.
    expect(ds.train.labels[4]).toBe(2);
    const at = (n: number, p: number, c: number) => ds.train.images[n * 3072 + p * 3 + c];
    expect([at(4, 0, 0), at(4, 0, 1), at(4, 0, 2)]).toEqual([2, 82, 162]);
    expect([at(4, 100, 0), at(4, 100, 2)]).toEqual([102, 262 % 256]);
    expect(ds.test.labels[0]).toBe(5);
  });

  it("a missing batch file makes the dataset not found, listing what is missing", async () => {
    const root = tempDir();
    writeCifarDataset(join(root, "cifar-10-batches-bin"), 1);
    const env = { LTHC_CIFAR10: join(root, "elsewhere") };
    truncateSync(join(root, "cifar-10-batches-bin", "test_batch.bin"), 0);
    let err = await userError(loadFullDataset("cifar10", { dataDir: root, env }));
    expect(err.message).toMatch(/test_batch\.bin.*not a positive multiple of the 3073-byte record/);
    expect(err.hint).toMatch(/cifar-10-binary\.tar\.gz/);

    const { rmSync } = await import("node:fs");
    rmSync(join(root, "cifar-10-batches-bin", "data_batch_3.bin"));
    const where = locateDataset("cifar10", { dataDir: root, env });
    expect(where.found).toBe(false);
    expect(where.searched.join("\n")).toMatch(/missing data_batch_3\.bin/);
    expect(where.searched.join("\n")).toMatch(/elsewhere \[LTHC_CIFAR10\] \(no such directory\)/);
    expect(where.searched.at(-1)).toBe("$LTHC_DATA_DIR (not set)");
    const none = locateDataset("cifar10", { env: {} });
    expect(none.searched).toEqual(["--data-dir (not given)", "$LTHC_CIFAR10 (not set)", "$LTHC_DATA_DIR (not set)"]);
    err = await userError(() => loadFullDataset("cifar10", { dataDir: root, env }));
    expect(err.message).toMatch(/dataset cifar10 not found; searched/);
  });
});

describe("locate", () => {
  it("a missing downloadable dataset's hint names `lthc data get`, the same hint doctor and run's pre-flight show", () => {
    for (const name of ["cifar10", "mnist"] as const) {
      const none = locateDataset(name, { env: { LTHC_DATA_HOME: tempDir() }, systemDir: tempDir() });
      expect(none.found).toBe(false);
      if (none.found) continue;
      expect(none.hint).toContain(`\`lthc data get ${name}\``);
      expect(none.hint).toBe(datasetHint(name));
    }
  });

  it("tries --data-dir, then the dataset's variable, then LTHC_DATA_DIR, then the system dir, then the bundled subset", () => {
    const [a, b, c, sys] = [tempDir(), tempDir(), tempDir(), tempDir()];
    writeIdxDataset(join(a, "fashion-mnist"), 1, 1, true);
    writeIdxDataset(join(b, "fm"), 1, 1, true);
    writeIdxDataset(join(c, "fashion-mnist"), 1, 1, true);
    writeIdxDataset(join(sys, "fashion-mnist"), 1, 1, true);
    const env = { LTHC_FASHION_MNIST: join(b, "fm"), LTHC_DATA_DIR: c };
    const find = (o: Parameters<typeof locateDataset>[1]) => locateDataset("fashion-mnist", o);
    expect(find({ dataDir: a, env, systemDir: sys })).toMatchObject({
      source: "data-dir",
      dir: join(a, "fashion-mnist"),
    });
    expect(find({ dataDir: null, env, systemDir: sys })).toMatchObject({ source: "env", dir: join(b, "fm") });
    expect(find({ env: { LTHC_DATA_DIR: c }, systemDir: sys })).toMatchObject({ dir: join(c, "fashion-mnist") });
    expect(find({ env: {}, systemDir: sys })).toMatchObject({ source: "system", dir: join(sys, "fashion-mnist") });
    const bundled = find({ env: {}, systemDir: noSystem });
    expect(bundled).toMatchObject({ found: true, source: "bundled" });
    expect((bundled as { dir: string }).dir).toMatch(/data[/\\]fashion-mnist-subset$/);
    expect(bundled.searched[0]).toContain(`${noSystem}/fashion-mnist [system] (no such directory)`);
  });

  it("reports every dataset; synthetic is always there", () => {
    const all = locateDatasets({ env: {}, systemDir: noSystem });
    expect(Object.keys(all).sort()).toEqual(["cifar10", "fashion-mnist", "mnist", "synthetic"]);
    expect(all.synthetic).toMatchObject({ found: true, source: "generated" });
    expect(all.cifar10.found).toBe(false);
    expect(all.mnist.found).toBe(false);
  });
});

describe("the bundled Fashion-MNIST subset and subsets", () => {
  it("has 8,000 train and 2,000 test 28×28 images", async () => {
    const ds = await loadFullDataset("fashion-mnist", { env: {}, systemDir: noSystem });
    expect([ds.train.count, ds.test.count]).toEqual([8000, 2000]);
    expect(ds.shape).toEqual([28, 28, 1]);
    // The subset's own statistics are close to the full set's fixed constants.
    const own = channelStats(ds.train, 1);
    expect(Math.abs(own.mean[0] - ds.mean[0])).toBeLessThan(0.01);
    expect(Math.abs(own.std[0] - ds.std[0])).toBeLessThan(0.01);
    // Cached: the second load is the same object.
    expect((await loadFullDataset("fashion-mnist", { env: {}, systemDir: noSystem })) === ds).toBe(true);
  });

  it("takes the first N examples, and a too-large subset is a UserError", async () => {
    const opts = { env: {}, systemDir: noSystem };
    const cfg = { name: "fashion-mnist" as const, flip: false, crop: 0, trainSubset: 100, testSubset: null };
    const ds = await loadDataset(cfg, opts);
    expect(ds.train.count).toBe(100);
    expect(ds.train.images.length).toBe(100 * 784);
    expect(ds.test.count).toBe(2000);
    const err = await userError(loadDataset({ ...cfg, trainSubset: 9000 }, opts));
    expect(err.message).toMatch(/train subset of 9000 examples requested, but fashion-mnist .* has 8000/);
    await userError(() => applySubsets(ds, null, 0));
  });

  it("the synthetic set follows its definition in src/core/datasets.ts", async () => {
    const a = await loadFullDataset("synthetic");
    clearDatasetCache();
    const b = await loadFullDataset("synthetic");
    expect(a === b).toBe(false);
    expect(a.shape).toEqual([16, 16, 3]);
    expect([a.train.count, a.test.count]).toEqual([2048, 512]);
    // Buffer.equals: vitest's deep equality is slow on large typed arrays.
    const bytes = (x: Uint8Array | Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    expect(bytes(b.train.images).equals(bytes(a.train.images))).toBe(true);
    expect(Array.from(a.test.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Value 5 of train example 3: clip(prototype[3][5] + 0.25·z), z the 3·768+6-th normal of Rng(1235).
    const protoRng = new Rng(1234);
    for (let i = 0; i < 3 * 768 + 5; i++) protoRng.nextFloat();
    const proto = protoRng.nextFloat();
    const noise = new Rng(1235);
    for (let i = 0; i < 3 * 768 + 5; i++) noise.normal();
    const expected = Math.min(1, Math.max(0, proto + 0.25 * noise.normal()));
    expect(a.train.images[3 * 768 + 5]).toBeCloseTo(expected, 6);
    expect(a.train.images.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
