/** A spec file's plan, for results and reports: diagnostics go to stderr and errors stop here. */
import { readFile } from "node:fs/promises";
import { type Diagnostic, renderDiagnostics } from "../../compiler/diagnostics.js";
import { buildPlan } from "../../compiler/plan.js";
import type { Plan } from "../../compiler/plan-types.js";
import type { Point } from "../../compiler/points.js";
import { UserError } from "../user-error.js";

interface CompilerModule {
  analyze(text: string, file: string): { points: Point[]; diagnostics: Diagnostic[] };
}

/** Loaded at run time so that this module builds while the compiler front end lands. */
async function loadCompiler(): Promise<CompilerModule> {
  const path = "../../compiler/index.js";
  return (await import(path)) as CompilerModule;
}

export async function planForSpec(file: string, stderr: NodeJS.WritableStream = process.stderr): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file} (${code ?? String(error)})`, "give the path of a .lth spec");
  }
  const { points, diagnostics } = (await loadCompiler()).analyze(text, file);
  if (diagnostics.length > 0) stderr.write(`${renderDiagnostics(diagnostics, text, file)}\n`);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) throw new UserError(`${file} has ${errors} error${errors === 1 ? "" : "s"}`, "fix them first");
  return buildPlan(points);
}
