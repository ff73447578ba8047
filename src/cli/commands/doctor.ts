import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc doctor is not available yet");
    });
}
