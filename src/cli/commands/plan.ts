import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { renderDiagnostics } from "../../compiler/diagnostics.js";
import { explainPoint, formatPlanSummary } from "../../compiler/explain.js";
import { analyze } from "../../compiler/index.js";
import { buildPlan } from "../../compiler/plan.js";
import type { Plan } from "../../compiler/plan-types.js";
import type { Point } from "../../compiler/points.js";
import { UserError } from "../../runtime/user-error.js";

interface PlanOptions {
  json?: boolean;
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

export function planCommand(file: string, options: PlanOptions): void {
  const text = readSpec(file);
  const result = analyze(text, file);
  if (result.diagnostics.length > 0) process.stderr.write(`${renderDiagnostics(result.diagnostics, text, file)}\n`);
  if (result.diagnostics.some((d) => d.severity === "error")) {
    process.exitCode = 1;
    return;
  }
  const plan = buildPlan(result.points);
  if (options.json) {
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
    .option("--explain [n]", "print point n (1-based) fully resolved; without n, the first point of each sweep")
    .action((file: string, options: PlanOptions) => planCommand(file, options));
}
