import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { formatSpec } from "../../compiler/index.js";
import { UserError } from "../../runtime/user-error.js";
import { readSpecFile } from "./spec-file.js";

interface FmtOptions {
  check?: boolean;
  write?: boolean;
}

/** Format one file: print it, rewrite it (--write) or only compare (--check, exit 1 if it would change). */
export function fmtCommand(file: string, options: FmtOptions): number {
  const read = readSpecFile(file);
  if ("error" in read) throw new UserError(read.error);
  const formatted = formatSpec(read.text);
  if (formatted === null) {
    throw new UserError(`${file}: has syntax errors, not formatted`, `run \`lthc check ${file}\` to see them`);
  }
  const changed = formatted !== read.text;
  if (options.check) {
    if (changed) process.stderr.write(`${file}: not formatted (run \`lthc fmt --write ${file}\`)\n`);
    return changed ? 1 : 0;
  }
  if (options.write) {
    if (changed) {
      try {
        writeFileSync(file, formatted);
      } catch (error) {
        throw new UserError(`${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    }
    return 0;
  }
  process.stdout.write(formatted);
  return 0;
}

export function registerFmt(program: Command): void {
  program
    .command("fmt")
    .description("print a .lth spec in canonical form (comments kept)")
    .argument("<file>", "spec file")
    .option("--check", "exit 1 if the file is not formatted, change nothing")
    .option("--write", "rewrite the file in place")
    .action((file: string, options: FmtOptions) => {
      process.exitCode = fmtCommand(file, options);
    });
}
