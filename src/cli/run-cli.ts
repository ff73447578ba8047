import type { Command } from "commander";
import { CommanderError } from "commander";
import { UserError } from "../core/user-error.js";

/** Print a user error as one message and a hint; let internal bugs show their stack. */
export function reportError(error: unknown): number {
  if (error instanceof UserError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  throw error;
}

/**
 * A reader that goes away (`lthc plan --json | head -1`) makes the next write to stdout
 * fail with EPIPE; without a listener Node throws it as an unhandled 'error' event with
 * a stack trace. The output is no longer wanted, so exit quietly, as Unix tools do.
 */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

export async function runCli(program: Command, argv: string[]): Promise<void> {
  exitQuietlyOnClosedStdout();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.exitCode = reportError(error);
  }
}
