/**
 * `lthc bench`: images/s of a training step, a PGD step, an adversarial training
 * step and inference, on the backend lthc would use (or --backend), with the
 * trainer's and the attack's own step functions.
 */
import { cpus } from "node:os";
import type { Command } from "commander";
import type { ModelConfig } from "../../core/config.js";
import { UserError } from "../../core/user-error.js";

import { formatBackendInfo, initBackend } from "../../runtime/backend/select.js";
import {
  CIFAR10_INFO,
  MEASUREMENTS,
  type Measurement,
  MNIST_INFO,
  measureThroughput,
  parseModel,
  type ThroughputResult,
} from "../../runtime/backend/throughput.js";

interface BenchOptions {
  backend?: string;
  model: string;
  batch: string;
  steps: string;
  pgdSteps: string;
  only?: string;
  /** Absent: the model's natural input (naturalInput). */
  input?: string;
  json?: boolean;
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${name} must be a positive whole number, not '${text}'`);
  return n;
}

function parseOnly(text: string | undefined): Measurement[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!MEASUREMENTS.includes(n as Measurement)) {
      throw new UserError(`unknown measurement '${n}'`, `use a comma-separated subset of ${MEASUREMENTS.join(",")}`);
    }
  }
  return names as Measurement[];
}

function inputInfo(name: string) {
  if (name === "cifar10") return CIFAR10_INFO;
  if (name === "mnist" || name === "fashion-mnist") return MNIST_INFO;
  throw new UserError(`unknown input shape '${name}'`, "use cifar10 (32×32×3) or mnist (28×28×1)");
}

/**
 * The input a model is measured on when --input is not given: the dataset it is studied on in
 * docs/models.md (LeNet-300-100 and convnet on 28×28×1 MNIST-shaped images, ResNets on CIFAR-10),
 * so the parameter count and images/s match what a spec with that model trains.
 */
export function naturalInput(model: ModelConfig): "mnist" | "cifar10" {
  return model.kind === "resnet" ? "cifar10" : "mnist";
}

/**
 * What to give `lthc plan --throughput`: the plan's cost model (src/compiler/cost.ts) counts
 * forward+backward image passes, PGD-n training as n + 2 passes per image and evaluation too,
 * so the figure it wants is one forward+backward pass per image: the train step's img/s, also
 * for PGD specs (the adversarial step's img/s would count PGD's passes twice).
 */
function planHint(results: readonly ThroughputResult[]): string {
  const train = results.find((r) => r.measurement === "train");
  if (!train) return "  for `lthc plan --throughput`, measure the train step (it is not in --only)";
  return (
    `  for \`lthc plan --throughput\`: ${train.imagesPerSec.toFixed(1)} (the train step's img/s, also for PGD specs: ` +
    "the plan counts PGD's n+2 passes per training image and the evaluation passes itself)"
  );
}

function row(r: ThroughputResult): string {
  return `  ${r.measurement.padEnd(12)} ${r.imagesPerSec.toFixed(1).padStart(9)} ${r.imagesPerCpuSec.toFixed(1).padStart(11)} ${r.msPerStep.toFixed(0).padStart(9)}   ${r.what}`;
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("Measure images/s: training step, PGD step, adversarial training step, inference")
    .option("--backend <name>", "tfjs backend: gpu, node, wasm or cpu (default: the fastest available)")
    .option("--model <model>", "resnet(D), wrn(D,K), lenet, convnet", "resnet(20)")
    .option("--batch <n>", "batch size", "128")
    .option("--steps <n>", "timed repetitions of each measurement (after one warm-up)", "3")
    .option("--pgd-steps <n>", "PGD steps n of the adversarial training step", "2")
    .option("--only <list>", `comma-separated subset of ${MEASUREMENTS.join(",")}`)
    .option(
      "--input <shape>",
      "input shape: cifar10 (32×32×3) or mnist (28×28×1) (default: mnist for lenet and convnet, cifar10 for resnet and wrn)",
    )
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      "\nimg/s is wall-clock; img/cpu-s divides by this process's CPU time, which stays meaningful on a busy\n" +
        "machine (wasm and cpu run on one thread). Synthetic data; nothing is written.",
    )
    .action(async (options: BenchOptions) => {
      const model = parseModel(options.model);
      const batch = positiveInt("batch", options.batch);
      const steps = positiveInt("steps", options.steps);
      const pgdSteps = positiveInt("pgd-steps", options.pgdSteps);
      const only = parseOnly(options.only);
      const inputName = options.input ?? naturalInput(model);
      const data = inputInfo(inputName);
      const shape = data.shape.join("×");
      const info = await initBackend(options.backend);
      const json = options.json === true;
      if (!json) {
        process.stdout.write(`${formatBackendInfo(info)}\n`);
        process.stdout.write(
          `model ${options.model} on ${shape} input (${inputName}${options.input === undefined ? ", the model's default" : ""}), ` +
            `batch ${batch}, ${steps} timed step${steps === 1 ? "" : "s"} each\n`,
        );
        process.stdout.write(
          `  ${"measurement".padEnd(12)} ${"img/s".padStart(9)} ${"img/cpu-s".padStart(11)} ${"ms/step".padStart(9)}   what\n`,
        );
      }
      const report = measureThroughput({
        model,
        data,
        batch,
        steps,
        pgdSteps,
        only,
        onResult: json ? undefined : (r) => process.stdout.write(`${row(r)}\n`),
      });
      if (json) {
        const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? "unknown" };
        const out = { ...report, input: inputName, shape: data.shape, backendInfo: info, machine, pgdSteps, steps };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        process.stdout.write(
          `  ${report.model}: ${report.parameters.toLocaleString("en-US")} parameters on ${shape} input\n`,
        );
        process.stdout.write(`${planHint(report.results)}\n`);
      }
    });
}
