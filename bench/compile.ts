/**
 * Compile benchmark: analyze + buildPlan of specs/thesis.lth in-process, warm.
 * `npm run bench -- compile [--iterations=N] [--warmup=N] [--file=path]`.
 * Target: median under 50 ms (docs/performance-compiler.md).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { analyze } from "../src/compiler/index.js";
import { buildPlan } from "../src/compiler/plan.js";

const ROOT = new URL("../..", import.meta.url).pathname;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function option(args: string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function count(args: string[], name: string, fallback: number): number {
  const value = Number(option(args, name) ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

interface Sample {
  ms: number;
  /** User+system CPU time: on a loaded machine, closer to the compiler's own cost than wall time. */
  cpuMs: number;
  analyzeMs: number;
  planMs: number;
  jobs: number;
  points: number;
}

function timeOnce(text: string, file: string): Sample {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = analyze(text, file);
  const analyzed = process.hrtime.bigint();
  const plan = buildPlan(result.points);
  const end = process.hrtime.bigint();
  const used = process.cpuUsage(cpu);
  return {
    ms: Number(end - start) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    analyzeMs: Number(analyzed - start) / 1e6,
    planMs: Number(end - analyzed) / 1e6,
    jobs: plan.jobs.length,
    points: plan.summary.points,
  };
}

export async function main(args: string[]): Promise<void> {
  const name = option(args, "file") ?? "specs/thesis.lth";
  const text = readFileSync(isAbsolute(name) ? name : join(ROOT, name), "utf8");
  const warmup = count(args, "warmup", 20);
  const iterations = count(args, "iterations", 200);
  const cold = timeOnce(text, name);
  if (cold.points === 0) throw new Error(`${name} compiled to no points (errors?)`);
  for (let i = 0; i < warmup; i++) timeOnce(text, name);
  const samples: Sample[] = [];
  for (let i = 0; i < iterations; i++) samples.push(timeOnce(text, name));
  const sorted = (pick: (s: Sample) => number) => samples.map(pick).sort((a, b) => a - b);
  const times = sorted((s) => s.ms);
  const f = (ms: number) => `${ms.toFixed(2)} ms`;
  const median = (pick: (s: Sample) => number) => f(quantile(sorted(pick), 0.5));
  const lines = [
    `compile ${name} (analyze + buildPlan): ${cold.points} points, ${cold.jobs} jobs`,
    `  first run ${f(cold.ms)}; warm over ${iterations} runs: median ${f(quantile(times, 0.5))}, ` +
      `p95 ${f(quantile(times, 0.95))}, min ${f(times[0])}, max ${f(times[times.length - 1])}`,
    `  median analyze ${median((s) => s.analyzeMs)}, buildPlan ${median((s) => s.planMs)}; ` +
      `median CPU time ${median((s) => s.cpuMs)}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
