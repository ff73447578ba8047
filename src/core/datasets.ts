/**
 * Dataset metadata: pure constants shared by the checker (shape checks, subset
 * limits) and the runtime (loaders, the synthetic generator). Keep stable: the
 * runtime implements the synthetic dataset from SYNTHETIC below.
 */
import type { DatasetName } from "./config.js";

export interface DatasetInfo {
  name: DatasetName;
  height: number;
  width: number;
  channels: number;
  classes: number;
  trainSize: number;
  testSize: number;
  /** Augmentation used when a spec does not say (`augment`). */
  defaultAugment: { flip: boolean; crop: number };
  doc: string;
}

/**
 * The synthetic dataset: a deterministic, download-free 10-class image task for tests
 * and demos. Definition (the runtime must follow it exactly):
 * - `classes` prototype images of shape height×width×channels, drawn i.i.d. U[0,1) from
 *   a generator seeded with `seed`, in class order, row-major HWC;
 * - example i of a split (train uses seed `seed + 1`, test `seed + 2`) has label
 *   i mod classes and pixels clip(prototype[label] + N(0, noise²), 0, 1), noise drawn
 *   from that split's generator in example order.
 */
export const SYNTHETIC = { seed: 1234, noise: 0.25 } as const;

export const DATASETS: Record<DatasetName, DatasetInfo> = {
  cifar10: {
    name: "cifar10",
    height: 32,
    width: 32,
    channels: 3,
    classes: 10,
    trainSize: 50000,
    testSize: 10000,
    defaultAugment: { flip: true, crop: 4 },
    doc: "CIFAR-10: 32×32 colour images, 10 classes, 50,000 train / 10,000 test (binary batches under data/cifar10).",
  },
  mnist: {
    name: "mnist",
    height: 28,
    width: 28,
    channels: 1,
    classes: 10,
    trainSize: 60000,
    testSize: 10000,
    defaultAugment: { flip: false, crop: 0 },
    doc: "MNIST: 28×28 greyscale digits, 10 classes, 60,000 train / 10,000 test (idx-ubyte files).",
  },
  "fashion-mnist": {
    name: "fashion-mnist",
    height: 28,
    width: 28,
    channels: 1,
    classes: 10,
    trainSize: 60000,
    testSize: 10000,
    defaultAugment: { flip: false, crop: 0 },
    doc: "Fashion-MNIST: 28×28 greyscale clothing, 10 classes, 60,000 train / 10,000 test (a subset of 8,000 / 2,000 ships in data/).",
  },
  synthetic: {
    name: "synthetic",
    height: 16,
    width: 16,
    channels: 3,
    classes: 10,
    trainSize: 2048,
    testSize: 512,
    defaultAugment: { flip: false, crop: 0 },
    doc: "Synthetic: 16×16 colour noisy class prototypes, 10 classes, 2,048 train / 512 test; generated, needs no files.",
  },
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];
