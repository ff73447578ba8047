/**
 * What `lthc doctor` reports about the machine and the tfjs installation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { cudaVersions, type GpuDevice, listGpus } from "../setup/gpu.js";
import { readSetupRecord, type SetupRecord } from "../setup/installed.js";
import { tf } from "../tf.js";
import { type BackendStatus, probeBackends } from "./select.js";

export const TFJS_PACKAGES = [
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-layers",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-wasm",
  "@tensorflow/tfjs-node",
  "@tensorflow/tfjs-node-gpu",
] as const;

export interface Environment {
  node: string;
  platform: string;
  cpuCount: number;
  cpuModel: string;
  packages: { name: string; version: string | null }[];
  backends: BackendStatus[];
  /** The backend a plain `lthc run` would pick. */
  defaultBackend: string | null;
  wasm: { simd: boolean; threads: number; threadsNote: string; heapLimitGiB: number } | null;
  /** Native backends set up by `lthc setup native|gpu`: where their libtensorflow came from. */
  native: { cpu: SetupRecord | null; gpu: SetupRecord | null };
  /** When the GPU backend loads: the devices, and the CUDA / cuDNN versions its setup installed. */
  gpu: { devices: GpuDevice[]; cuda: string | null; cudnn: string | null } | null;
}

const require = createRequire(import.meta.url);

/** Installed version of a package, or null when it cannot be resolved. */
export function packageVersion(name: string): string | null {
  try {
    const main = require.resolve(name);
    const marker = `node_modules/${name}/`;
    const root = main.slice(0, main.lastIndexOf(marker) + marker.length);
    return (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export async function describeEnvironment(): Promise<Environment> {
  const backends = await probeBackends();
  const wasmOk = backends.some((b) => b.choice === "wasm" && b.available);
  const info = cpus();
  const native = { cpu: readSetupRecord("cpu"), gpu: readSetupRecord("gpu") };
  const gpuOk = backends.some((b) => b.choice === "gpu" && b.available);
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuCount: info.length,
    cpuModel: info[0]?.model.trim() ?? "unknown",
    packages: TFJS_PACKAGES.map((name) => ({ name, version: packageVersion(name) })),
    backends,
    defaultBackend: backends.find((b) => b.available)?.choice ?? null,
    wasm: wasmOk
      ? {
          simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"),
          threads: 1,
          threadsNote:
            "tfjs-backend-wasm runs single-threaded under Node; lthc runs jobs in parallel worker processes (lthc run -j)",
          heapLimitGiB: 4,
        }
      : null,
    native,
    gpu: gpuOk
      ? {
          devices: listGpus(),
          ...(native.gpu ? cudaVersions(native.gpu) : { cuda: null, cudnn: null }),
        }
      : null,
  };
}
