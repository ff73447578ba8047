import type { Command } from "commander";

/**
 * `lthc lsp`: the language server on stdio. Editors pass `--stdio` by convention
 * (vscode-languageclient, nvim-lspconfig), so it is accepted and means the default.
 */
export function registerLsp(program: Command): void {
  program
    .command("lsp")
    .description("Run the .lth language server on stdin/stdout (for editors)")
    .option("--stdio", "communicate over stdin/stdout (the default and only transport)")
    .action(async () => {
      // Loaded lazily so that other commands never pay for the server's imports.
      const { startStdioServer } = await import("../../lsp/server.js");
      // Returns at once; stdin keeps the process alive until the client sends exit or closes it.
      startStdioServer();
    });
}
