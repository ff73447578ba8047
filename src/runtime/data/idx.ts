/**
 * The idx-ubyte format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
 * a big-endian header — magic 0x00000803 for images (count, rows, cols) or
 * 0x00000801 for labels (count) — followed by one unsigned byte per value.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { corrupt, readDataFile } from "./files.js";
import type { Split } from "./types.js";

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

export const IDX_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** The file for a base name in dir: gzipped if present, else plain; null if neither exists. */
export function findIdxFile(dir: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return null;
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  data: Uint8Array;
}

export function parseIdxImages(bytes: Uint8Array, path: string, hint: string): IdxImages {
  const view = header(bytes, 16, IMAGES_MAGIC, path, hint);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const expected = 16 + count * rows * cols;
  if (bytes.length !== expected) {
    throw corrupt(
      path,
      `expected ${expected} bytes for ${count} images of ${rows}×${cols}, found ${bytes.length}`,
      hint,
    );
  }
  return { count, rows, cols, data: bytes.subarray(16) };
}

export function parseIdxLabels(bytes: Uint8Array, path: string, hint: string, numClasses: number): Uint8Array {
  const view = header(bytes, 8, LABELS_MAGIC, path, hint);
  const count = view.getUint32(4);
  if (bytes.length !== 8 + count) {
    throw corrupt(path, `expected ${8 + count} bytes for ${count} labels, found ${bytes.length}`, hint);
  }
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((l) => l >= numClasses);
  if (bad >= 0) throw corrupt(path, `label ${labels[bad]} at index ${bad} is not below ${numClasses}`, hint);
  return labels;
}

function header(bytes: Uint8Array, size: number, magic: number, path: string, hint: string): DataView {
  if (bytes.length < size) throw corrupt(path, `file is ${bytes.length} bytes, shorter than its header`, hint);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    const hex = (v: number) => `0x${v.toString(16).padStart(8, "0")}`;
    throw corrupt(path, `bad magic number ${hex(found)} (expected ${hex(magic)})`, hint);
  }
  return view;
}

/** Load one split (images + labels) from idx files, checking they agree. */
export async function loadIdxSplit(
  imagesPath: string,
  labelsPath: string,
  numClasses: number,
  hint: string,
): Promise<{ split: Split; rows: number; cols: number }> {
  const [imageBytes, labelBytes] = await Promise.all([readDataFile(imagesPath, hint), readDataFile(labelsPath, hint)]);
  const images = parseIdxImages(imageBytes, imagesPath, hint);
  const labels = parseIdxLabels(labelBytes, labelsPath, hint, numClasses);
  if (labels.length !== images.count) {
    throw corrupt(labelsPath, `${labels.length} labels but ${imagesPath} has ${images.count} images`, hint);
  }
  // Grey images are already NHWC with c = 1.
  return { split: { images: images.data, labels, count: images.count }, rows: images.rows, cols: images.cols };
}
