import type { Connection, TextDocuments } from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { AnalysisCache } from "./analysis.js";
import type { Logger } from "./safe.js";

/** What every feature handler gets: the connection, the open documents and their (cached) analyses. */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  analyses: AnalysisCache;
  log: Logger;
}

/** A feature registers its handlers on the connection; its capability is declared in capabilities.ts. */
export type Feature = (context: ServerContext) => void;
