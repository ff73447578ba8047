import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LspClient, type Started, startServer } from "./harness.js";

describe("lthc lsp: handshake", () => {
  let started: Started;
  let client: LspClient;
  beforeAll(async () => {
    started = await startServer();
    client = started.client;
  });
  afterAll(async () => {
    await client.shutdown();
  });

  it("initializes over stdio and advertises every feature", () => {
    const caps = started.capabilities.capabilities;
    expect(started.capabilities.serverInfo?.name).toBe("lthc");
    for (const key of [
      "completionProvider",
      "hoverProvider",
      "inlayHintProvider",
      "documentFormattingProvider",
      "documentSymbolProvider",
      "semanticTokensProvider",
      "foldingRangeProvider",
      "codeActionProvider",
      "definitionProvider",
      "referencesProvider",
    ] as const) {
      expect(caps[key], key).toBeTruthy();
    }
  });

  it("runs on stdio without the --stdio flag too", async () => {
    const { client: plain, capabilities } = await startServer([]);
    expect(capabilities.serverInfo?.name).toBe("lthc");
    await plain.shutdown();
  });

  it("shuts down and exits cleanly", async () => {
    const { client: other } = await startServer();
    await other.shutdown();
    expect(other.exited).toBe(0);
  });
});
