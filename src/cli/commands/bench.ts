import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc bench is not available yet");
    });
}
