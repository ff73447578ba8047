import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerResults(program: Command): void {
  program
    .command("results")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc results is not available yet");
    });
}
