/**
 * Where a native backend set up by `lthc setup native|gpu` lives, and what a
 * process that loads it needs in its environment. Read without loading
 * libtensorflow, so that `lthc doctor`, backend selection and the tests can ask
 * cheaply whether it is there.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type NativeVariant, VARIANTS } from "./variants.js";

/** What setup wrote next to the package it completed (`<package>/lthc-setup.json`). */
export interface SetupRecord {
  variant: NativeVariant;
  package: string;
  packageVersion: string;
  /** TF_Version the binding reported when setup loaded it. */
  tensorflowVersion: string;
  /** The wheels the libraries came from, with their SHA-256. */
  wheels: { file: string; sha256: string }[];
  /** Cache directory that holds libtensorflow (and, for the GPU, the CUDA libraries). */
  cacheDir: string;
  /** Directories a process must search for the CUDA/cuDNN libraries (GPU only; empty for the CPU). */
  libraryDirs: string[];
  /** The built N-API binding. */
  binding: string;
  /**
   * Revision of lthc's patch to the binding source (binding-patch.ts) it was built with;
   * absent in records written before the patch existed.
   */
  bindingPatchRevision?: number;
  /** ISO time of the setup. */
  setUpAt: string;
}

export const RECORD_FILE = "lthc-setup.json";

/** lthc's own package root (the clone, or node_modules/lthc): where its node_modules are. */
export function lthcRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "lthc") return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`lthc's package.json not found above ${from}`);
    dir = parent;
  }
}

/** Directory a package is (or would be) installed in, under lthc's node_modules. */
export function packageDir(name: string, root: string = lthcRoot()): string {
  return join(root, "node_modules", ...name.split("/"));
}

/**
 * The N-API version node-pre-gyp picks for a package: the highest of its
 * `binary.napi_versions` that this Node supports. tfjs-node looks for its binding in
 * `lib/napi-v<N>/`.
 */
export function napiBuildVersion(pkgDir: string, nodeNapi = Number(process.versions.napi)): number {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
    binary?: { napi_versions?: number[] };
  };
  const usable = (manifest.binary?.napi_versions ?? []).filter((v) => v <= nodeNapi);
  if (usable.length === 0) throw new Error(`${pkgDir} supports no N-API version this Node (${nodeNapi}) has`);
  return Math.max(...usable);
}

/** Where tfjs-node loads its binding from. */
export function bindingPath(pkgDir: string, napi = napiBuildVersion(pkgDir)): string {
  return join(pkgDir, "lib", `napi-v${napi}`, "tfjs_binding.node");
}

/** The record of a completed setup, or null when the variant is not set up in this clone. */
export function readSetupRecord(variant: NativeVariant, root?: string): SetupRecord | null {
  const dir = packageDir(VARIANTS[variant].package, root);
  try {
    const record = JSON.parse(readFileSync(join(dir, RECORD_FILE), "utf8")) as SetupRecord;
    return existsSync(record.binding) ? record : null;
  } catch {
    return null;
  }
}

/** Why a variant cannot be loaded without trying (package or binding missing), or null when it looks ready. */
export function nativeSetupMissing(variant: NativeVariant, root?: string): string | null {
  const spec = VARIANTS[variant];
  const command = variant === "cpu" ? "lthc setup native" : "lthc setup gpu";
  const dir = packageDir(spec.package, root);
  if (!existsSync(join(dir, "package.json"))) return `not set up (run ${command})`;
  try {
    if (!existsSync(bindingPath(dir))) return `installed without its libtensorflow binding (run ${command})`;
  } catch (error) {
    return `unusable: ${(error as Error).message}`;
  }
  return null;
}

/**
 * Environment for a process that may load a native backend: libtensorflow's INFO
 * lines hidden (unless the user chose a level), and for a GPU setup the CUDA/cuDNN
 * wheel directories on the library search path, which libtensorflow's dlopen of
 * libcudart & co. consults (LD_LIBRARY_PATH is read when a process starts, so it
 * must be in a worker's environment from the start), plus memory growth so that
 * several workers can share one GPU.
 */
export function nativeProcessEnv(
  base: NodeJS.ProcessEnv = process.env,
  gpu: SetupRecord | null = readSetupRecord("gpu"),
): Record<string, string> {
  const env: Record<string, string> = { TF_CPP_MIN_LOG_LEVEL: base.TF_CPP_MIN_LOG_LEVEL ?? "2" };
  if (gpu && gpu.libraryDirs.length > 0) {
    env.LD_LIBRARY_PATH = [...gpu.libraryDirs, ...(base.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean)].join(":");
  }
  if (gpu) env.TF_FORCE_GPU_ALLOW_GROWTH = base.TF_FORCE_GPU_ALLOW_GROWTH ?? "true";
  return env;
}
