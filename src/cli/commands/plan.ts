import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { renderDiagnostics } from "../../compiler/diagnostics.js";
import { explainPoint, formatPlanSummary } from "../../compiler/explain.js";
import { analyze } from "../../compiler/index.js";
import { buildPlan } from "../../compiler/plan.js";
import { estimateSchedule } from "../../compiler/schedule-estimate.js";
import type { Plan } from "../../core/plan-types.js";
import type { Point } from "../../core/points.js";
import { UserError } from "../../core/user-error.js";

interface PlanOptions {
  json?: boolean;
  /** Images per second one GPU trains (forward+backward passes), for --throughput sizing. */
  throughput?: string;
  gpus?: string;
  /** true when given without a number. */
  explain?: string | boolean;
}

export function readSpec(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`${file}: no such file`, "check the path of the .lth file");
    if (code === "EISDIR") throw new UserError(`${file}: is a directory`, "give a .lth file");
    throw new UserError(`${file}: cannot read (${code ?? String(error)})`);
  }
}

/** 1-based, as printed ("point 3 of 480"). */
function explainIndex(value: string, count: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > count) {
    throw new UserError(`--explain ${value}: no such point`, `points are numbered 1 to ${count}`);
  }
  return n - 1;
}

/** The first point of every sweep, in file order. */
function firstOfEachSweep(points: readonly Point[]): number[] {
  const seen = new Set<string>();
  const indices: number[] = [];
  points.forEach((point, index) => {
    if (!seen.has(point.sweep)) indices.push(index);
    seen.add(point.sweep);
  });
  return indices;
}

function explain(plan: Plan, points: readonly Point[], option: string | true): string {
  if (points.length === 0) throw new UserError("there are no points to explain", "the file declares no sweep");
  const indices = option === true ? firstOfEachSweep(points) : [explainIndex(option, points.length)];
  return indices.map((index) => explainPoint(plan, points, index)).join("\n");
}

function parseThroughput(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UserError(`--throughput ${text}: expected images per second, a positive number`, "see `lthc bench`");
  }
  return n;
}

function parseGpus(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--gpus ${text}: expected a positive whole number`);
  return n;
}

function hours(h: number): string {
  if (h >= 48) return `${(h / 24).toFixed(1)} days`;
  if (h >= 1) return `${h.toFixed(1)} h`;
  return `${(h * 60).toFixed(1)} min`;
}

function formatEstimate(plan: Plan, imagesPerSecond: number, gpus: number): string {
  const e = estimateSchedule(plan.jobs, imagesPerSecond, gpus);
  const gpuWord = gpus === 1 ? "GPU" : "GPUs";
  return [
    `${plan.jobs.length} jobs at ${imagesPerSecond} images/s per GPU:`,
    `  GPU time:      ${e.gpuHours.toFixed(1)} GPU-hours`,
    `  critical path: ${hours(e.criticalPathHours)} (the wall time with as many GPUs as jobs)`,
    `  ${`on ${gpus} ${gpuWord}:`.padEnd(15)}${hours(e.scheduleHours)} longest-path-first (no schedule is shorter than ${hours(e.lowerBoundHours)})`,
    "",
  ].join("\n");
}

export function planCommand(file: string, options: PlanOptions): void {
  if (options.gpus !== undefined && options.throughput === undefined) {
    throw new UserError(
      "--gpus sizes a schedule and needs --throughput",
      "measure images/s with `lthc bench`, then run `lthc plan FILE --throughput N --gpus 4`",
    );
  }
  const text = readSpec(file);
  const result = analyze(text, file);
  if (result.diagnostics.length > 0) process.stderr.write(`${renderDiagnostics(result.diagnostics, text, file)}\n`);
  if (result.diagnostics.some((d) => d.severity === "error")) {
    process.exitCode = 1;
    return;
  }
  const plan = buildPlan(result.points);
  if (options.throughput !== undefined) {
    process.stdout.write(formatEstimate(plan, parseThroughput(options.throughput), parseGpus(options.gpus)));
  } else if (options.json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  } else if (options.explain !== undefined && options.explain !== false) {
    process.stdout.write(explain(plan, result.points, options.explain));
  } else {
    process.stdout.write(formatPlanSummary(plan, file));
  }
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("compile a .lth file into its execution plan: shared dense runs, masks, sparse runs, cost")
    .argument("<file>", "the .lth spec")
    .option("--json", "print the whole plan as JSON")
    .option("--throughput <img/s>", "size a cluster request: GPU-hours and wall time at this many images/s per GPU")
    .option("--gpus <n>", "with --throughput: GPUs available at once (default 1)")
    .option("--explain [n]", "print point n (1-based) fully resolved; without n, the first point of each sweep")
    .action((file: string, options: PlanOptions) => planCommand(file, options));
}
