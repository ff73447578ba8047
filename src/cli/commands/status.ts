import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc status is not available yet");
    });
}
