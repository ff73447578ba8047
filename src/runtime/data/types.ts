/**
 * A decoded dataset. Real datasets keep their images as bytes (NHWC, 0..255) so
 * that CIFAR-10 costs 150 MB rather than 600 MB; the synthetic set is defined in
 * floats. Batches convert either to float pixels in [0,1].
 */
import type { DatasetName } from "../../core/config.js";

export interface Split {
  /** count × h × w × c values, NHWC: bytes (pixel = byte / 255) or floats already in [0,1]. */
  images: PixelArray;
  /** One class index per image, in [0, numClasses). */
  labels: Uint8Array;
  count: number;
}

/** What a model needs to know about its data. */
export interface DatasetInfo {
  /** [height, width, channels] */
  shape: [number, number, number];
  numClasses: number;
  /** Per-channel mean and standard deviation of the training pixels in [0,1]; the model normalises with them. */
  mean: number[];
  std: number[];
}

export interface Dataset extends DatasetInfo {
  name: DatasetName;
  train: Split;
  test: Split;
  /** Where the data came from, for logs and `lthc doctor` (a directory, or "generated"). */
  source: string;
}

export type PixelArray = Uint8Array | Float32Array;

/** What a stored value is divided by to give a pixel in [0,1]. */
export function pixelDivisor(images: PixelArray): number {
  return images instanceof Uint8Array ? 255 : 1;
}

export function imageSize(shape: readonly [number, number, number]): number {
  return shape[0] * shape[1] * shape[2];
}
