import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { formatSpec } from "../../compiler/index.js";
import { UserError } from "../../core/user-error.js";
import { reportError } from "../run-cli.js";
import { readSpecFile } from "./spec-file.js";

interface FmtOptions {
  check?: boolean;
  write?: boolean;
}

/**
 * Format files: print one, rewrite them (--write) or only compare (--check, exit 1 if any
 * would change). With several files, a file that cannot be formatted is reported and the
 * others are still done.
 */
export function fmtCommand(files: string[], options: FmtOptions): number {
  if (files.length > 1 && !options.check && !options.write) {
    throw new UserError("several files: printing is for one file", "add --check or --write");
  }
  let status = 0;
  for (const file of files) {
    try {
      status = Math.max(status, fmtFile(file, options));
    } catch (error) {
      status = Math.max(status, reportError(error));
    }
  }
  return status;
}

function fmtFile(file: string, options: FmtOptions): number {
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
    .description("print a .lth spec in canonical form (comments kept); check or rewrite several")
    .argument("<files...>", "spec files (several with --check or --write)")
    .option("--check", "exit 1 if a file is not formatted, change nothing")
    .option("--write", "rewrite the files in place")
    .action((files: string[], options: FmtOptions) => {
      process.exitCode = fmtCommand(files, options);
    });
}
