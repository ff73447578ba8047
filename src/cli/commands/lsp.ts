import type { Command } from "commander";
import { UserError } from "../../runtime/user-error.js";

// Placeholder until the command lands; replaced by its implementation.
export function registerLsp(program: Command): void {
  program
    .command("lsp")
    .description("(not yet available)")
    .action(() => {
      throw new UserError("lthc lsp is not available yet");
    });
}
