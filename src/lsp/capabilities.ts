import { type ServerCapabilities, TextDocumentSyncKind } from "vscode-languageserver/node.js";
import type { Feature } from "./context.js";

/**
 * What the server advertises: incremental document sync, plus what each registered
 * feature declares next to its handlers, so the list cannot drift from the handlers.
 */
export function capabilitiesOf(features: readonly Feature[]): ServerCapabilities {
  const capabilities: ServerCapabilities = {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  };
  for (const feature of features) Object.assign(capabilities, feature.capabilities);
  return capabilities;
}
