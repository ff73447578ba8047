import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerRun(program: Command): void {
  program
    .command("run")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc run is not available yet");
    });
}
