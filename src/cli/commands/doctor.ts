/**
 * `lthc doctor`: Node, CPUs, every tfjs backend with why it is or is not usable,
 * package versions, wasm SIMD/threads, and where each dataset was found.
 */
import type { Command } from "commander";
import type { DatasetName } from "../../core/config.js";
import { describeEnvironment, type Environment } from "../../runtime/backend/environment.js";
import { type LocateResult, locateDatasets } from "../../runtime/data/locate.js";
import { BINDING_PATCH_REVISION } from "../../runtime/setup/binding-patch.js";

interface DoctorOptions {
  dataDir?: string;
  json?: boolean;
}

function formatEnvironment(env: Environment): string[] {
  const lines = [
    `node ${env.node} (${env.platform})`,
    `cpus ${env.cpuCount} × ${env.cpuModel}`,
    "",
    `backends (in order of preference; default: ${env.defaultBackend ?? "none"})`,
  ];
  for (const b of env.backends) {
    lines.push(
      `  ${b.available ? "✓" : "✗"} ${b.choice.padEnd(5)} ${b.package}: ${b.available ? `available${b.detail.startsWith("ok (") ? ` ${b.detail.slice(3)}` : ""}` : b.detail}`,
    );
  }
  for (const r of [env.native.cpu, env.native.gpu]) {
    if (!r) continue;
    lines.push(
      `  ${r.variant === "cpu" ? "node" : "gpu"}: libtensorflow ${r.tensorflowVersion} from ${r.wheels[0]?.file ?? "?"} (sha256 ${r.wheels[0]?.sha256.slice(0, 12) ?? "?"}…), set up by lthc setup ${r.variant === "cpu" ? "native" : "gpu"} on ${r.setUpAt.slice(0, 10)}; libraries in ${r.cacheDir}`,
    );
    // oneDNN's fused convolution exists only in the CPU build; the GPU build never uses it.
    if (r.variant === "cpu" && (r.bindingPatchRevision ?? 0) < BINDING_PATCH_REVISION) {
      lines.push(
        "    its binding predates lthc's list-attribute patch, so the fused convolution is off (slower inference and PGD): run lthc setup native again",
      );
    }
  }
  if (env.gpu) {
    lines.push(`  gpu: CUDA runtime ${env.gpu.cuda ?? "unknown"}, cuDNN ${env.gpu.cudnn ?? "unknown"}`);
    for (const d of env.gpu.devices) {
      lines.push(`    GPU ${d.index}: ${d.name}, ${(d.memoryMiB / 1024).toFixed(1)} GiB, driver ${d.driver}`);
    }
  }
  if (env.wasm) {
    lines.push(
      `  wasm: SIMD ${env.wasm.simd ? "on" : "off"}, ${env.wasm.threads} thread (${env.wasm.threadsNote}); heap capped at ${env.wasm.heapLimitGiB} GiB`,
    );
  }
  lines.push("", "packages");
  for (const p of env.packages) lines.push(`  ${p.name.padEnd(30)} ${p.version ?? "not installed"}`);
  return lines;
}

function formatDatasets(found: Record<DatasetName, LocateResult>): string[] {
  const lines = ["", "datasets"];
  for (const r of Object.values(found)) {
    if (r.found) {
      lines.push(`  ✓ ${r.name.padEnd(14)} ${r.dir ?? "(generated in memory)"} [${r.source}]`);
    } else {
      lines.push(`  ✗ ${r.name.padEnd(14)} not found; searched:`);
      for (const s of r.searched) lines.push(`      ${s}`);
      lines.push(`    hint: ${r.hint}`);
    }
  }
  return lines;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("Check backends, tfjs versions, threads and where datasets are")
    .option("--data-dir <dir>", "where datasets live (as for lthc run)")
    .option("--json", "print one JSON object")
    .action(async (options: DoctorOptions) => {
      const env = await describeEnvironment();
      const datasets = locateDatasets({ dataDir: options.dataDir ?? null, env: process.env });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...env, datasets }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${[...formatEnvironment(env), ...formatDatasets(datasets)].join("\n")}\n`);
    });
}
