import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc check is not available yet");
    });
}
