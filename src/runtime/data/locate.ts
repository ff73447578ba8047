/**
 * Where each dataset's files are. Candidates are tried in a fixed order and the
 * first directory holding every required file wins; the places searched are
 * reported so that "not found" says exactly where lthc looked.
 *
 *   fashion-mnist: <dataDir>/fashion-mnist, $LTHC_FASHION_MNIST, $LTHC_DATA_DIR/fashion-mnist,
 *                  <data home>/fashion-mnist (`lthc data get`),
 *                  /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist),
 *                  <package>/data/fashion-mnist-subset (8,000 / 2,000, shipped with lthc)
 *   mnist:         <dataDir>/mnist, $LTHC_MNIST, $LTHC_DATA_DIR/mnist, <data home>/mnist, /usr/share/datasets/mnist
 *   cifar10:       <dataDir>/cifar-10-batches-bin, $LTHC_CIFAR10, $LTHC_DATA_DIR/cifar-10-batches-bin,
 *                  <data home>/cifar-10-batches-bin
 *   (<data home>: see dataHome)
 *   synthetic:     generated in memory, always available
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DatasetName } from "../../core/config.js";
import { CIFAR10_HINT, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES } from "./cifar10.js";
import { SOURCES } from "./download.js";
import { findIdxFile, IDX_FILES } from "./idx.js";
import { packageRoot } from "./package-root.js";

export const DATASET_NAMES: readonly DatasetName[] = ["cifar10", "mnist", "fashion-mnist", "synthetic"];

export type DatasetSource = "data-dir" | "env" | "downloaded" | "system" | "bundled" | "generated";

/**
 * Where `lthc data get` unpacks datasets by default, laid out like a --data-dir
 * (cifar-10-batches-bin/, mnist/, fashion-mnist/): $LTHC_DATA_HOME, else
 * $XDG_DATA_HOME/lthc/datasets, else ~/.local/share/lthc/datasets. Null when the
 * environment names no home (then lthc searches no such place).
 */
export function dataHome(env: Record<string, string | undefined> = process.env): string | null {
  if (env.LTHC_DATA_HOME) return resolve(env.LTHC_DATA_HOME);
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, "lthc", "datasets");
  return env.HOME ? join(env.HOME, ".local", "share", "lthc", "datasets") : null;
}

/** The directory a dataset occupies inside a data directory (--data-dir, the data home). */
export function datasetSubdir(name: Exclude<DatasetName, "synthetic">): string {
  return name === "cifar10" ? "cifar-10-batches-bin" : name;
}

export interface LocateOptions {
  /** The --data-dir option. */
  dataDir?: string | null;
  /** Environment variables to consult (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Where distribution packages put datasets; overridable for tests. */
  systemDir?: string;
  /** Overrides <package>/data; for tests. */
  bundledDir?: string;
}

export interface Located {
  name: DatasetName;
  found: true;
  /** The directory holding the files; null for the generated synthetic set. */
  dir: string | null;
  source: DatasetSource;
  /** Candidates tried before the one that matched, each "path (why not)". */
  searched: string[];
}

export interface NotFound {
  name: DatasetName;
  found: false;
  searched: string[];
  /** How to obtain the dataset. */
  hint: string;
}

export type LocateResult = Located | NotFound;

interface Candidate {
  dir: string;
  source: DatasetSource;
  label: string;
}

export const DEFAULT_SYSTEM_DIR = "/usr/share/datasets";

const HINTS: Record<Exclude<DatasetName, "synthetic">, string> = {
  "fashion-mnist":
    "install the full set with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or put the four " +
    "*-idx?-ubyte[.gz] files in <data-dir>/fashion-mnist and pass --data-dir, or set LTHC_FASHION_MNIST",
  mnist:
    "download the four MNIST *-idx?-ubyte.gz files (train-images, train-labels, t10k-images, t10k-labels), put " +
    "them in <data-dir>/mnist and pass --data-dir, or set LTHC_MNIST to their directory",
  cifar10: CIFAR10_HINT,
};

/**
 * How to obtain a dataset, the one hint every "not found" shows (doctor, run's pre-flight, loading):
 * `lthc data get` first where it knows the dataset, then the manual ways. "" for synthetic.
 */
export function datasetHint(name: DatasetName): string {
  if (name === "synthetic") return "";
  const fetch = name in SOURCES ? `run \`lthc data get ${name}\` (fetches and unpacks it where lthc looks), or ` : "";
  return `${fetch}${HINTS[name]}`;
}

const OWN_VAR: Record<Exclude<DatasetName, "synthetic">, string> = {
  cifar10: "LTHC_CIFAR10",
  mnist: "LTHC_MNIST",
  "fashion-mnist": "LTHC_FASHION_MNIST",
};

/** The ways of pointing lthc at the data that were not used, so "not found" says what to try. */
function unsetOptions(name: Exclude<DatasetName, "synthetic">, opts: LocateOptions): string[] {
  const env = opts.env ?? process.env;
  const out: string[] = [];
  if (!opts.dataDir) out.push("--data-dir (not given)");
  for (const v of [OWN_VAR[name], "LTHC_DATA_DIR"]) if (!env[v]) out.push(`$${v} (not set)`);
  return out;
}

function candidates(name: DatasetName, opts: LocateOptions): Candidate[] {
  const env = opts.env ?? process.env;
  const system = opts.systemDir ?? DEFAULT_SYSTEM_DIR;
  const list: Candidate[] = [];
  const add = (dir: string | undefined | null, source: DatasetSource, label: string) => {
    if (dir) list.push({ dir: resolve(dir), source, label });
  };
  const sub = name === "cifar10" ? "cifar-10-batches-bin" : name;
  if (opts.dataDir) add(join(opts.dataDir, sub), "data-dir", "--data-dir");
  const ownVar = OWN_VAR[name as Exclude<DatasetName, "synthetic">];
  add(env[ownVar], "env", ownVar);
  if (env.LTHC_DATA_DIR) add(join(env.LTHC_DATA_DIR, sub), "env", "LTHC_DATA_DIR");
  const home = dataHome(env);
  if (home) add(join(home, sub), "downloaded", "lthc data get");
  if (name !== "cifar10") add(join(system, name), "system", "system");
  if (name === "fashion-mnist") {
    add(opts.bundledDir ?? join(packageRoot(), "data", "fashion-mnist-subset"), "bundled", "bundled subset");
  }
  return list;
}

/** The required files missing from dir (empty when the dataset is complete there). */
export function missingFiles(name: DatasetName, dir: string): string[] {
  if (name === "cifar10") {
    return [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].filter((f) => !existsSync(join(dir, f)));
  }
  return Object.values(IDX_FILES)
    .filter((base) => findIdxFile(dir, base) === null)
    .map((base) => `${base}[.gz]`);
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function locateDataset(name: DatasetName, opts: LocateOptions = {}): LocateResult {
  if (name === "synthetic") return { name, found: true, dir: null, source: "generated", searched: [] };
  const searched: string[] = [];
  for (const c of candidates(name, opts)) {
    if (!isDir(c.dir)) {
      searched.push(`${c.dir} [${c.label}] (no such directory)`);
      continue;
    }
    const missing = missingFiles(name, c.dir);
    if (missing.length === 0) return { name, found: true, dir: c.dir, source: c.source, searched };
    searched.push(`${c.dir} [${c.label}] (missing ${missing.join(", ")})`);
  }
  return { name, found: false, searched: [...searched, ...unsetOptions(name, opts)], hint: datasetHint(name) };
}

export function locateDatasets(opts: LocateOptions = {}): Record<DatasetName, LocateResult> {
  return Object.fromEntries(DATASET_NAMES.map((n) => [n, locateDataset(n, opts)])) as Record<DatasetName, LocateResult>;
}
