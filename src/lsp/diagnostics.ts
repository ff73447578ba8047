import {
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
} from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../compiler/index.js";
import { BackgroundChecker } from "./checker-thread.js";
import type { Feature, ServerContext } from "./context.js";
import { toLspRange } from "./convert.js";
import { describe } from "./safe.js";

/** Long enough to skip the intermediate states of fast typing, short enough to feel immediate. */
export const DIAGNOSTICS_DELAY_MS = 150;

/**
 * The compiler's diagnostics as LSP diagnostics: same code, range and message as
 * `lthc check`; the hint goes into related information (for clients that show it)
 * and after the message (for those that do not).
 */
export function toLspDiagnostic(document: TextDocument, d: Diagnostic): LspDiagnostic {
  const range = toLspRange(document, d.range);
  const related: DiagnosticRelatedInformation[] = d.hint
    ? [{ location: { uri: document.uri, range }, message: `hint: ${d.hint}` }]
    : [];
  return {
    range,
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "lthc",
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
  };
}

/**
 * Publishes diagnostics per document, debounced and checked in a worker thread (one
 * check per document at a time; a change meanwhile is checked when it ends). A closed
 * document's diagnostics are cleared.
 */
export const diagnostics: Feature = {
  // Pushed with textDocument/publishDiagnostics: nothing to advertise.
  capabilities: {},
  register: (context) => registerDiagnostics(context),
};

function registerDiagnostics({ connection, documents, analyses, log }: ServerContext): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const checker = new BackgroundChecker(log);
  const checking = new Set<string>();
  const changedWhileChecking = new Set<string>();
  connection.onExit(() => checker.dispose());

  const publish = (uri: string) => {
    timers.delete(uri);
    const document = documents.get(uri);
    if (!document) return;
    if (checking.has(uri)) {
      changedWhileChecking.add(uri);
      return;
    }
    checking.add(uri);
    const version = document.version;
    checker
      .check(uri, document.getText())
      .then((found) => {
        const current = documents.get(uri);
        if (current?.version !== version) return;
        analyses.setDiagnostics(current, found);
        return connection.sendDiagnostics({
          uri,
          version,
          diagnostics: found.map((d) => toLspDiagnostic(current, d)),
        });
      })
      .catch((error: unknown) => log(`lthc lsp: diagnostics failed: ${describe(error)}`))
      .finally(() => {
        checking.delete(uri);
        if (changedWhileChecking.delete(uri)) publish(uri);
      });
  };

  const schedule = (uri: string, delay: number) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => publish(uri), delay),
    );
  };

  documents.onDidOpen((event) => schedule(event.document.uri, 0));
  documents.onDidChangeContent((event) => schedule(event.document.uri, DIAGNOSTICS_DELAY_MS));
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    changedWhileChecking.delete(uri);
    analyses.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => {});
  });
}
