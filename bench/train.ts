/**
 * `npm run bench -- train [--backend B] [--model M] [--batch N] [--steps S] [--cpu]`:
 * lthc's step throughput (the same measurement as `lthc bench`), printed as rows
 * of the table in docs/performance.md. --cpu also measures the pure-JS cpu backend
 * (slow: one step of ResNet-20 at batch 128 takes minutes there). --profile prints
 * where one training step's time goes, per kernel, instead.
 */
import { initBackend } from "../src/runtime/backend/select.js";
import {
  CIFAR10_INFO,
  type Measurement,
  measureThroughput,
  parseModel,
  profileTrainStep,
  type ThroughputReport,
} from "../src/runtime/backend/throughput.js";

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

function print(report: ThroughputReport): void {
  for (const r of report.results) {
    process.stdout.write(
      `| ${report.backend} | ${report.model} | ${report.batch} | ${r.measurement} | ${r.imagesPerSec.toFixed(1)} | ${r.imagesPerCpuSec.toFixed(1)} |\n`,
    );
  }
}

export async function main(args: string[]): Promise<void> {
  const model = parseModel(flag(args, "model", "resnet(20)"));
  const batch = Number(flag(args, "batch", "128"));
  const steps = Number(flag(args, "steps", "3"));
  const pgdSteps = Number(flag(args, "pgd-steps", "2"));
  if (args.includes("--profile")) {
    await initBackend(flag(args, "backend", "wasm"));
    const p = await profileTrainStep({ model, data: CIFAR10_INFO, batch });
    process.stdout.write(`one training step: ${p.wallMs.toFixed(0)} ms wall, ${p.cpuMs.toFixed(0)} ms CPU\n`);
    process.stdout.write(`| kernel | ms | share | calls |\n|---|---|---|---|\n`);
    for (const k of p.kernels.filter((k) => k.share >= 0.005)) {
      process.stdout.write(`| ${k.kernel} | ${k.ms.toFixed(1)} | ${(100 * k.share).toFixed(1)}% | ${k.calls} |\n`);
    }
    const byName = new Map<string, number>();
    for (const k of p.kernels) byName.set(k.kernel.split(" ")[0], (byName.get(k.kernel.split(" ")[0]) ?? 0) + k.share);
    process.stdout.write(`\n| kernel (all shapes) | share |\n|---|---|\n`);
    for (const [name, share] of [...byName].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.005)) {
      process.stdout.write(`| ${name} | ${(100 * share).toFixed(1)}% |\n`);
    }
    return;
  }
  const backends = [flag(args, "backend", "wasm")];
  if (args.includes("--cpu")) backends.push("cpu");
  process.stdout.write(
    `| backend | model | batch | step | img/s (wall) | img/s (per CPU-second) |\n|---|---|---|---|---|---|\n`,
  );
  for (const backend of backends) {
    await initBackend(backend);
    const only: Measurement[] | undefined = backend === "cpu" ? ["train", "inference"] : undefined;
    print(
      measureThroughput({ model, data: CIFAR10_INFO, batch, steps: backend === "cpu" ? 1 : steps, pgdSteps, only }),
    );
  }
}
