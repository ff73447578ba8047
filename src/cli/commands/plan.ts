import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc plan is not available yet");
    });
}
