/**
 * Load a dataset by name: locate it, decode it once per process (decoding the
 * gzipped Fashion-MNIST takes about a second), attach its normalisation
 * statistics, and apply the config's subsets.
 */
import type { DatasetConfig, DatasetName } from "../../core/config.js";
import { UserError } from "../../core/user-error.js";
import { loadCifar10 } from "./cifar10.js";
import { findIdxFile, IDX_FILES, loadIdxSplit } from "./idx.js";
import { datasetHint, type LocateOptions, locateDataset } from "./locate.js";
import { generateSynthetic, SYNTHETIC } from "./synthetic.js";
import { type Dataset, pixelDivisor, type Split } from "./types.js";

const cache = new Map<string, Promise<Dataset>>();

/** Forget decoded datasets (tests; or to free memory between unrelated sweeps). */
export function clearDatasetCache(): void {
  cache.clear();
}

/** Load the full dataset (no subsets). Cached per name and directory. */
export async function loadFullDataset(name: DatasetName, opts: LocateOptions = {}): Promise<Dataset> {
  const where = locateDataset(name, opts);
  if (!where.found) {
    throw new UserError(`dataset ${name} not found; searched:\n  ${where.searched.join("\n  ")}`, where.hint);
  }
  const key = `${name}\0${where.dir ?? ""}`;
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = decode(name, where.dir, where.dir ?? "generated");
    // A failed load is not remembered, so a fixed file is picked up on the next try.
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

/** Load the dataset a job's config names, with its subsets applied. */
export async function loadDataset(config: DatasetConfig, opts: LocateOptions = {}): Promise<Dataset> {
  const full = await loadFullDataset(config.name, opts);
  return applySubsets(full, config.trainSubset, config.testSubset);
}

export function applySubsets(ds: Dataset, trainSubset: number | null, testSubset: number | null): Dataset {
  return {
    ...ds,
    train: takeFirst(ds, "train", trainSubset),
    test: takeFirst(ds, "test", testSubset),
  };
}

function takeFirst(ds: Dataset, which: "train" | "test", n: number | null): Split {
  const split = ds[which];
  if (n === null || n === split.count) return split;
  if (!Number.isInteger(n) || n < 1 || n > split.count) {
    throw new UserError(
      `${which} subset of ${n} examples requested, but ${ds.name} (${ds.source}) has ${split.count} ${which} examples`,
      `use a ${which} subset between 1 and ${split.count}, or install the full dataset (see \`lthc doctor\`)`,
    );
  }
  const size = split.images.length / split.count;
  // subarray shares the decoded bytes: subsets cost no memory.
  return { images: split.images.subarray(0, n * size), labels: split.labels.subarray(0, n), count: n };
}

async function decode(name: DatasetName, dir: string | null, source: string): Promise<Dataset> {
  if (name === "synthetic") {
    const { train, test } = generateSynthetic();
    return withStats({ name, train, test, shape: SYNTHETIC.shape, numClasses: SYNTHETIC.numClasses, source });
  }
  const d = dir as string;
  if (name === "cifar10") {
    const { train, test } = await loadCifar10(d);
    return withStats({ name, train, test, shape: [32, 32, 3], numClasses: 10, source });
  }
  const hint = datasetHint(name);
  const file = (base: string) => findIdxFile(d, base) ?? `${d}/${base}.gz`;
  const [train, test] = await Promise.all([
    loadIdxSplit(file(IDX_FILES.trainImages), file(IDX_FILES.trainLabels), 10, hint),
    loadIdxSplit(file(IDX_FILES.testImages), file(IDX_FILES.testLabels), 10, hint),
  ]);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new UserError(
      `dataset ${name} in ${d}: train images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`,
      hint,
    );
  }
  return withStats({
    name,
    train: train.split,
    test: test.split,
    shape: [train.rows, train.cols, 1],
    numClasses: 10,
    source,
  });
}

/** Per-channel mean and (population) standard deviation of the training pixels in [0,1]. */
export function channelStats(split: Split, channels: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  const { images } = split;
  const div = pixelDivisor(images);
  for (let i = 0; i < images.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const v = images[i + c];
      sum[c] += v;
      sumSq[c] += v * v;
    }
  }
  const n = images.length / channels;
  const mean = Array.from(sum, (s) => s / n / div);
  const std = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(s / n / (div * div) - mean[c] * mean[c], 0)));
  // A constant channel would divide by zero inside the model.
  return { mean, std: std.map((s) => (s > 1e-6 ? s : 1)) };
}

/**
 * The real datasets' normalisation constants: per-channel mean and population std of
 * the full official training split. Fixed, so that a model computes the same
 * function whether the full set or the bundled subset was found.
 */
export const NORMALISATION: Record<Exclude<DatasetName, "synthetic">, { mean: number[]; std: number[] }> = {
  cifar10: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
  mnist: { mean: [0.1307], std: [0.3081] },
  "fashion-mnist": { mean: [0.286], std: [0.353] },
};

function withStats(ds: Omit<Dataset, "mean" | "std">): Dataset {
  const stats = ds.name === "synthetic" ? channelStats(ds.train, ds.shape[2]) : NORMALISATION[ds.name];
  return { ...ds, mean: [...stats.mean], std: [...stats.std] };
}
