/** Spec file → plan, for `lthc run` and `lthc status`: diagnostics are printed and errors stop here. */
import { readFile } from "node:fs/promises";
import type { Diagnostic } from "../../compiler/diagnostics.js";
import { renderDiagnostics } from "../../compiler/diagnostics.js";
import { buildPlan } from "../../compiler/plan.js";
import type { Plan } from "../../compiler/plan-types.js";
import type { Point } from "../../compiler/points.js";
import { UserError } from "../../runtime/user-error.js";

interface Analysis {
  points: Point[];
  diagnostics: Diagnostic[];
}

interface CompilerModule {
  analyze(text: string, file: string): Analysis;
}

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

export async function loadPlan(file: string): Promise<LoadedPlan> {
  const text = await readSpec(file);
  const compilerPath = "../../compiler/index.js";
  const compiler = (await import(compilerPath)) as CompilerModule;
  const { points, diagnostics } = compiler.analyze(text, file);
  if (diagnostics.length > 0) process.stderr.write(`${renderDiagnostics(diagnostics, text, file)}\n`);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) {
    throw new UserError(`${file} has ${errors} error${errors === 1 ? "" : "s"}; nothing was run`, "fix them first");
  }
  return { plan: buildPlan(points), text };
}
