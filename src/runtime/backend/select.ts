/**
 * Backend selection at start-up: tfjs-node-gpu (CUDA), then tfjs-node, then wasm,
 * then cpu. Both tfjs-node packages are optional dependencies whose install
 * downloads libtensorflow, so they are loaded with a dynamic import and a missing
 * or broken one only moves the choice down the list.
 */

import { UserError } from "../../core/user-error.js";
import { fusedConvAvailable, fusedConvDisabled } from "../ops/tensorflow-kernels.js";
import { nativeSetupMissing } from "../setup/installed.js";
import { tf } from "../tf.js";
import { registerWasmTrainingKernels } from "./wasm-kernels.js";

export type BackendChoice = "gpu" | "node" | "wasm" | "cpu";

export interface BackendStatus {
  choice: BackendChoice;
  /** npm package that provides it. */
  package: string;
  available: boolean;
  /** Why it is unavailable, or what it is when available. */
  detail: string;
}

export interface BackendInfo {
  choice: BackendChoice;
  /** tfjs's name for the active backend ("tensorflow", "wasm", "cpu"). */
  tfBackend: string;
  /** Why this one was chosen. */
  reason: string;
  /** Every backend in preference order, with why it was or was not usable. */
  candidates: BackendStatus[];
  /** wasm only: SIMD and threads as the backend runs them. */
  wasm: { simd: boolean; threads: number } | null;
}

/** Loads a module by name; tests substitute one that fails. */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

export interface InitOptions {
  importModule?: ModuleLoader;
}

const ORDER: BackendChoice[] = ["gpu", "node", "wasm", "cpu"];

const PACKAGES: Record<BackendChoice, string> = {
  gpu: "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs-backend-cpu",
};

const ALIASES: Record<string, BackendChoice> = {
  gpu: "gpu",
  cuda: "gpu",
  "tensorflow-gpu": "gpu",
  node: "node",
  tensorflow: "node",
  wasm: "wasm",
  cpu: "cpu",
};

/** Map a --backend value to a choice, or a UserError naming the accepted values. */
export function parseBackend(name: string): BackendChoice {
  const choice = ALIASES[name.trim().toLowerCase()];
  if (!choice) {
    throw new UserError(
      `unknown backend '${name}'`,
      "use one of: gpu (tfjs-node-gpu, CUDA), node or tensorflow (tfjs-node), wasm, cpu; or leave --backend out to pick the fastest available",
    );
  }
  return choice;
}

const defaultLoader: ModuleLoader = (specifier) => import(specifier);

function describeLoadError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  if (err.code === "ERR_MODULE_NOT_FOUND" || err.code === "MODULE_NOT_FOUND") {
    return "not installed (optional dependency; its install downloads libtensorflow)";
  }
  const first = String(err.message ?? error).split("\n")[0];
  return `failed to load: ${first}`;
}

/** The cpu backend greets Node users once on first write; that banner is not a warning. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend("cpu") as (tf.KernelBackend & { firstUse?: boolean }) | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

async function ensureWasmRegistered(loader: ModuleLoader): Promise<void> {
  if (!tf.findBackendFactory("wasm")) await loader(PACKAGES.wasm);
  registerWasmTrainingKernels();
}

async function ensureCpuRegistered(loader: ModuleLoader): Promise<void> {
  if (!tf.findBackendFactory("cpu")) await loader(PACKAGES.cpu);
}

/** Try to make `choice` the active backend; return why not when it cannot be. */
async function tryActivate(choice: BackendChoice, loader: ModuleLoader): Promise<string | null> {
  try {
    if (choice === "gpu" || choice === "node") {
      // Without its binding the package only throws a long "npm rebuild" message: say what to run instead.
      if (loader === defaultLoader) {
        const missing = nativeSetupMissing(choice === "gpu" ? "gpu" : "cpu");
        if (missing) return missing;
      }
      // libtensorflow reads these when it loads; its INFO lines are noise in lthc's output.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
      await loader(PACKAGES[choice]);
      if (!tf.findBackendFactory("tensorflow")) return "loaded but registered no 'tensorflow' backend";
      if (!(await tf.setBackend("tensorflow"))) return "the 'tensorflow' backend failed to initialise";
      return null;
    }
    if (choice === "wasm") await ensureWasmRegistered(loader);
    else await ensureCpuRegistered(loader);
    if (!(await tf.setBackend(choice))) return `the '${choice}' backend failed to initialise`;
    return null;
  } catch (error) {
    return describeLoadError(error);
  }
}

function wasmDetails(): { simd: boolean; threads: number } {
  return { simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"), threads: 1 };
}

/** The TensorFlow version behind the active 'tensorflow' backend, or the version of tfjs-core's own backends. */
export function activeTensorflowVersion(): string | null {
  if (tf.getBackend() !== "tensorflow") return null;
  const backend = tf.backend() as unknown as { binding?: { TF_Version?: string } };
  return backend.binding?.TF_Version ?? null;
}

function activeDetail(): string {
  const native = activeNativeDetail();
  return native ? `ok (${native})` : "ok";
}

/**
 * On the 'tensorflow' backend, its libtensorflow version and whether the native CPU
 * backend's fused convolution is in use (and if not, why; see tensorflow-kernels.ts).
 */
function activeNativeDetail(): string | null {
  const version = activeTensorflowVersion();
  if (!version) return null;
  const fused = fusedConvAvailable()
    ? "fused convolution on"
    : fusedConvDisabled()
      ? "fused convolution off: LTHC_FUSED_CONV"
      : "fused convolution unavailable";
  return `libtensorflow ${version}; ${fused}`;
}

/**
 * What computes on the active backend, in one line for a job's result record: the backend,
 * and on the 'tensorflow' one its libtensorflow version and whether the fused convolution
 * runs (the two give results that differ in rounding, docs/backends.md). Null when no
 * backend is active.
 */
export function activeEngine(): string | null {
  const native = activeNativeDetail();
  if (native) return `tensorflow (${native})`;
  // tfjs answers undefined (despite its type) while no backend is active, e.g. in a worker without one.
  return (tf.getBackend() as string | undefined) ?? null;
}

/**
 * Pick and activate a backend. With a preference, only that one is tried and its
 * failure is a UserError; without, the first that works in ORDER wins.
 */
export async function initBackend(preference?: string, options: InitOptions = {}): Promise<BackendInfo> {
  const loader = options.importModule ?? defaultLoader;
  const wanted = preference ? parseBackend(preference) : null;
  await ensureCpuRegistered(loader);
  silenceCpuBanner();
  const candidates: BackendStatus[] = [];
  let chosen: BackendChoice | null = null;
  for (const choice of ORDER) {
    const status: BackendStatus = { choice, package: PACKAGES[choice], available: false, detail: "" };
    candidates.push(status);
    if (chosen) {
      status.detail = `not tried (${chosen} was chosen first)`;
      continue;
    }
    if (wanted && choice !== wanted) {
      status.detail = `not tried (--backend ${wanted})`;
      continue;
    }
    const failure = await tryActivate(choice, loader);
    status.available = failure === null;
    status.detail = failure ?? activeDetail();
    if (failure === null) chosen = choice;
  }
  if (!chosen) {
    const detail = candidates.find((c) => c.choice === wanted)?.detail ?? "unavailable";
    throw new UserError(
      `backend '${wanted}' is unavailable: ${detail}`,
      wanted === "gpu" || wanted === "node"
        ? `run lthc setup ${wanted === "gpu" ? "gpu" : "native"} (builds ${PACKAGES[wanted]} on libtensorflow from pip's TensorFlow wheel), or use --backend wasm`
        : "leave --backend out to pick the fastest available backend",
    );
  }
  const skipped = candidates
    .filter((c) => !c.available && ORDER.indexOf(c.choice) < ORDER.indexOf(chosen as BackendChoice))
    .map((c) => `${c.package.replace("@tensorflow/", "")} ${c.detail.replace(/ \(.*\)$/, "")}`);
  const reason = wanted
    ? `requested with --backend ${preference}`
    : skipped.length === 0
      ? "fastest backend, available"
      : `fastest available (${skipped.join("; ")})`;
  return {
    choice: chosen,
    tfBackend: tf.getBackend(),
    reason,
    candidates,
    wasm: chosen === "wasm" ? wasmDetails() : null,
  };
}

/** One line per backend, for `lthc doctor` and verbose run logs. */
export function formatBackendInfo(info: BackendInfo): string {
  const lines = [`backend: ${info.choice} (tfjs '${info.tfBackend}') — ${info.reason}`];
  for (const c of info.candidates)
    lines.push(`  ${c.available ? "✓" : "✗"} ${c.choice.padEnd(5)} ${c.package}: ${c.detail}`);
  return lines.join("\n");
}

/**
 * Try every backend (for `lthc doctor`), leaving the last available one active.
 * Unlike initBackend, it does not stop at the first that works.
 */
export async function probeBackends(options: InitOptions = {}): Promise<BackendStatus[]> {
  const loader = options.importModule ?? defaultLoader;
  await ensureCpuRegistered(loader);
  silenceCpuBanner();
  const out: BackendStatus[] = [];
  for (const choice of ORDER) {
    const failure = await tryActivate(choice, loader);
    out.push({ choice, package: PACKAGES[choice], available: failure === null, detail: failure ?? activeDetail() });
  }
  return out;
}
