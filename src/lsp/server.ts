/**
 * The lthc language server. All language knowledge comes from the compiler API
 * (src/compiler) so that editors and `lthc check` / `lthc fmt` share every rule;
 * the handlers here only translate between the compiler's shapes and LSP's.
 */
import { type Connection, createConnection, ProposedFeatures, TextDocuments } from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { AnalysisCache } from "./analysis.js";
import { capabilitiesOf } from "./capabilities.js";
import type { ServerContext } from "./context.js";
import { features } from "./features.js";
import { requestsFor } from "./request.js";
import { describe } from "./safe.js";

export function startStdioServer(): Connection {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  setupServer(connection);
  connection.listen();
  return connection;
}

export function setupServer(connection: Connection): ServerContext {
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.error(message);
  const analyses = new AnalysisCache(documents);
  const requests = requestsFor(documents, analyses, log);
  const context: ServerContext = { connection, documents, analyses, log, requests };

  connection.onInitialize(() => ({
    capabilities: capabilitiesOf(features),
    serverInfo: { name: "lthc", version: "0.1.0" },
  }));
  for (const feature of features) feature.register(context);
  // Diagnostics are checked on another thread; parse an opened document here right away,
  // so the first hover or completion finds its analysis ready.
  documents.onDidOpen((event) =>
    setImmediate(() => {
      try {
        if (documents.get(event.document.uri)) context.analyses.of(event.document);
      } catch (error) {
        log(`lthc lsp: analysis failed: ${describe(error)}`);
      }
    }),
  );
  documents.listen(connection);

  // A bug must cost one answer, never the editor's whole session.
  process.on("uncaughtException", (error) => log(`lthc lsp: uncaught: ${describe(error)}`));
  process.on("unhandledRejection", (error) => log(`lthc lsp: unhandled rejection: ${describe(error)}`));
  return context;
}
