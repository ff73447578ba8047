/** Tiny dataset files in the real formats, written to a temporary directory. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "lthc-data-"));
}

export function idxImages(count: number, rows: number, cols: number, pixel: (n: number, i: number) => number): Buffer {
  const buf = Buffer.alloc(16 + count * rows * cols);
  buf.writeUInt32BE(0x803, 0);
  buf.writeUInt32BE(count, 4);
  buf.writeUInt32BE(rows, 8);
  buf.writeUInt32BE(cols, 12);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < rows * cols; i++) buf[16 + n * rows * cols + i] = pixel(n, i);
  }
  return buf;
}

export function idxLabels(labels: number[]): Buffer {
  const buf = Buffer.alloc(8 + labels.length);
  buf.writeUInt32BE(0x801, 0);
  buf.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => {
    buf[8 + i] = l;
  });
  return buf;
}

/** An MNIST-style directory: `train` and `test` examples of 4×4, pixel = (n*16 + i) mod 256, label n mod 10. */
export function writeIdxDataset(dir: string, train: number, test: number, gz: boolean): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, data: Buffer) =>
    writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(data) : data);
  const pixel = (n: number, i: number) => (n * 16 + i) % 256;
  const labels = (count: number) => Array.from({ length: count }, (_, n) => n % 10);
  put("train-images-idx3-ubyte", idxImages(train, 4, 4, pixel));
  put("train-labels-idx1-ubyte", idxLabels(labels(train)));
  put("t10k-images-idx3-ubyte", idxImages(test, 4, 4, pixel));
  put("t10k-labels-idx1-ubyte", idxLabels(labels(test)));
}

/** One CIFAR-10 record: label, then R, G, B planes of 32×32. */
export function cifarRecord(label: number, rgb: (c: number, p: number) => number): Buffer {
  const rec = Buffer.alloc(3073);
  rec[0] = label;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) rec[1 + c * 1024 + p] = rgb(c, p);
  return rec;
}

/** A cifar-10-batches-bin directory with `perBatch` records in each of the six files. */
export function writeCifarDataset(dir: string, perBatch: number): void {
  mkdirSync(dir, { recursive: true });
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat("test_batch.bin");
  names.forEach((name, b) => {
    const recs = Array.from({ length: perBatch }, (_, n) =>
      cifarRecord((b + n) % 10, (c, p) => (c * 80 + p + b + n) % 256),
    );
    writeFileSync(join(dir, name), Buffer.concat(recs));
  });
}
