import type { Command } from "commander";
import { analyze, renderDiagnostic } from "../../compiler/index.js";
import { readSpecFile } from "./spec-file.js";

interface Tally {
  errors: number;
  warnings: number;
  points: number;
}

function checkFile(file: string, tally: Tally): void {
  const read = readSpecFile(file);
  if ("error" in read) {
    process.stderr.write(`error: ${read.error}\n\n`);
    tally.errors++;
    return;
  }
  const analysis = analyze(read.text, file);
  for (const d of analysis.diagnostics) {
    process.stderr.write(`${renderDiagnostic(d, read.text, file, analysis.lines)}\n\n`);
    if (d.severity === "error") tally.errors++;
    else tally.warnings++;
  }
  tally.points += analysis.points.length;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Diagnostics go to stderr, the one-line summary to stdout; exit 1 on any error. */
export function checkCommand(files: string[]): number {
  const tally: Tally = { errors: 0, warnings: 0, points: 0 };
  for (const file of files) {
    try {
      checkFile(file, tally);
    } catch (error) {
      // Never a stack trace: an unexpected failure is still one line.
      process.stderr.write(
        `error: ${file}: internal error while checking (${error instanceof Error ? error.message : String(error)})\n`,
      );
      tally.errors++;
    }
  }
  const status = tally.errors > 0 ? "failed" : "ok";
  process.stdout.write(
    `${status}: ${plural(files.length, "file")} checked, ${plural(tally.errors, "error")}, ${plural(tally.warnings, "warning")}, ${plural(tally.points, "point")}\n`,
  );
  return tally.errors > 0 ? 1 : 0;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check .lth specs and print diagnostics (exit 1 on errors)")
    .argument("<files...>", "spec files")
    .action((files: string[]) => {
      process.exitCode = checkCommand(files);
    });
}
