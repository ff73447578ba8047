/**
 * GPUs as lthc sees them: which are visible (for `lthc run --gpus`), what each is
 * (for `lthc doctor`), and which CUDA / cuDNN libraries a GPU setup brought.
 * nvidia-smi comes with the NVIDIA driver, so it is there wherever a GPU is usable.
 */
import { spawnSync } from "node:child_process";
import { UserError } from "../../core/user-error.js";
import type { SetupRecord } from "./installed.js";

export interface GpuDevice {
  /** CUDA device index as the driver numbers it (what CUDA_VISIBLE_DEVICES takes). */
  index: string;
  name: string;
  memoryMiB: number;
  driver: string;
}

/** Runs `nvidia-smi` with arguments and returns its stdout, or null when it cannot run; tests substitute one. */
export type SmiQuery = (args: string[]) => string | null;

const nvidiaSmi: SmiQuery = (args) => {
  const r = spawnSync("nvidia-smi", args, { encoding: "utf8", timeout: 15_000 });
  return r.error || r.status !== 0 ? null : r.stdout;
};

/** The GPUs the driver shows, or [] without a driver/GPU. */
export function listGpus(query: SmiQuery = nvidiaSmi): GpuDevice[] {
  const out = query(["--query-gpu=index,name,memory.total,driver_version", "--format=csv,noheader,nounits"]);
  if (!out) return [];
  return out
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [index, name, memory, driver] = line.split(",").map((s) => s.trim());
      return { index, name, memoryMiB: Number(memory), driver };
    });
}

/**
 * The devices `lthc run` uses: `--gpus LIST` (comma-separated indices) when given,
 * else those in CUDA_VISIBLE_DEVICES when set, else every GPU the driver shows.
 * Throws UserError for an index that is not visible.
 */
export function selectGpus(
  list: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  query: SmiQuery = nvidiaSmi,
): string[] {
  const visible =
    env.CUDA_VISIBLE_DEVICES !== undefined
      ? env.CUDA_VISIBLE_DEVICES.split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "" && s !== "-1")
      : listGpus(query).map((g) => g.index);
  if (list === undefined) return visible;
  const wanted = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) throw new UserError("--gpus needs at least one device index, e.g. --gpus 0,1");
  for (const w of wanted) {
    if (!visible.includes(w)) {
      throw new UserError(
        `GPU ${w} is not visible`,
        visible.length > 0 ? `visible GPUs: ${visible.join(", ")}` : "no GPU is visible (nvidia-smi lists none)",
      );
    }
  }
  return [...new Set(wanted)];
}

/**
 * Environment of the worker in pool slot `slot`: pinned to one GPU, round-robin,
 * so that --jobs larger than the GPU count shares devices (memory growth lets them).
 */
export function gpuWorkerEnv(gpus: string[], slot: number): Record<string, string> {
  if (gpus.length === 0) return {};
  return { CUDA_VISIBLE_DEVICES: gpus[slot % gpus.length], TF_FORCE_GPU_ALLOW_GROWTH: "true" };
}

/** CUDA runtime and cuDNN versions a GPU setup installed, read from its wheels' names. */
export function cudaVersions(record: SetupRecord): { cuda: string | null; cudnn: string | null } {
  const version = (name: string) => {
    const wheel = record.wheels.find((w) => w.file.toLowerCase().startsWith(`${name}-`));
    return wheel ? wheel.file.split("-")[1] : null;
  };
  return { cuda: version("nvidia_cuda_runtime_cu12"), cudnn: version("nvidia_cudnn_cu12") };
}
