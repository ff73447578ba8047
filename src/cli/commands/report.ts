import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerReport(program: Command): void {
  program
    .command("report")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc report is not available yet");
    });
}
