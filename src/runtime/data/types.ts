/**
 * A decoded dataset. Images are kept as bytes (NHWC, 0..255) so that CIFAR-10
 * costs 150 MB rather than 600 MB; batches convert them to float pixels in [0,1].
 */
import type { DatasetName } from "../../compiler/config.js";

export interface Split {
  /** count × h × w × c bytes, NHWC; pixel value = byte / 255. */
  images: Uint8Array;
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

export function imageSize(shape: readonly [number, number, number]): number {
  return shape[0] * shape[1] * shape[2];
}
