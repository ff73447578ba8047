import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerFmt(program: Command): void {
  program
    .command("fmt")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc fmt is not available yet");
    });
}
