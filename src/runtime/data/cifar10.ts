/**
 * CIFAR-10 "binary version" (https://www.cs.toronto.edu/~kriz/cifar.html):
 * data_batch_1..5.bin and test_batch.bin, each a sequence of 3073-byte records —
 * one label byte, then 1024 red, 1024 green and 1024 blue bytes (CHW, row-major).
 */
import { join } from "node:path";
import { corrupt, readDataFile } from "./files.js";
import type { Split } from "./types.js";

export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = "test_batch.bin";
export const CIFAR10_HINT =
  'download "CIFAR-10 binary version (suitable for C programs)" (cifar-10-binary.tar.gz) from ' +
  "https://www.cs.toronto.edu/~kriz/cifar.html, extract it, and pass --data-dir <dir containing " +
  "cifar-10-batches-bin> or set LTHC_CIFAR10=<path to cifar-10-batches-bin>";

const SIDE = 32;
const PIXELS = SIDE * SIDE;
const RECORD = 1 + 3 * PIXELS;

/** Decode records into NHWC bytes; the file holds CHW. */
export function parseCifarBatch(bytes: Uint8Array, path: string): Split {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw corrupt(path, `size ${bytes.length} is not a positive multiple of the ${RECORD}-byte record`, CIFAR10_HINT);
  }
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * 3 * PIXELS);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const rec = n * RECORD;
    const label = bytes[rec];
    if (label > 9) throw corrupt(path, `record ${n} has label ${label}, not in 0..9`, CIFAR10_HINT);
    labels[n] = label;
    const out = n * 3 * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      images[out + 3 * p] = bytes[rec + 1 + p];
      images[out + 3 * p + 1] = bytes[rec + 1 + PIXELS + p];
      images[out + 3 * p + 2] = bytes[rec + 1 + 2 * PIXELS + p];
    }
  }
  return { images, labels, count };
}

function concat(splits: Split[]): Split {
  const count = splits.reduce((s, x) => s + x.count, 0);
  const images = new Uint8Array(count * 3 * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const s of splits) {
    images.set(s.images, at * 3 * PIXELS);
    labels.set(s.labels, at);
    at += s.count;
  }
  return { images, labels, count };
}

export async function loadCifar10(dir: string): Promise<{ train: Split; test: Split }> {
  const load = async (name: string) => {
    const path = join(dir, name);
    return parseCifarBatch(await readDataFile(path, CIFAR10_HINT), path);
  };
  const [train, test] = await Promise.all([Promise.all(CIFAR10_TRAIN_FILES.map(load)), load(CIFAR10_TEST_FILE)]);
  return { train: concat(train), test };
}
