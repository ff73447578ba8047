/**
 * Spec file → plan, the one loader for every command that reads a spec (`run`, `status`,
 * `results`, `report`): diagnostics are printed and errors stop here.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import { analyze, renderDiagnostics } from "../../compiler/index.js";
import { buildPlan } from "../../compiler/plan.js";
import type { Plan } from "../../core/plan-types.js";
import { UserError } from "../../core/user-error.js";

async function readSpec(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file} (${code ?? String(error)})`, "give the path of a .lth spec");
  }
}

export interface LoadedPlan {
  plan: Plan;
  text: string;
}

/** `consequence`: what the error message adds after "FILE has N errors" (what the command did not do). */
export async function loadPlan(file: string, consequence: string | null = "nothing was run"): Promise<LoadedPlan> {
  const text = await readSpec(file);
  const { points, diagnostics } = analyze(text, file);
  if (diagnostics.length > 0) process.stderr.write(`${renderDiagnostics(diagnostics, text, file)}\n`);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) {
    const what = consequence === null ? "" : `; ${consequence}`;
    throw new UserError(`${file} has ${errors} error${errors === 1 ? "" : "s"}${what}`, "fix them first");
  }
  return { plan: buildPlan(points), text };
}

/** Relative to the working directory when that is shorter to read, absolute otherwise. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
