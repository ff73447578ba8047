import type { Connection, ServerCapabilities, TextDocuments } from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { AnalysisCache } from "./analysis.js";
import type { Requests } from "./request.js";
import type { Logger } from "./safe.js";

/** What every feature handler gets: the connection, the open documents and their (cached) analyses. */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  analyses: AnalysisCache;
  log: Logger;
  /** Wraps request handlers: document lookup, cancellation, errors (request.ts). */
  requests: Requests;
}

/**
 * A feature of the server: what it advertises in the initialize result and how it registers
 * its handlers. The server's capabilities are the union of its features' (capabilities.ts).
 */
export interface Feature {
  capabilities: ServerCapabilities;
  register(context: ServerContext): void;
}
