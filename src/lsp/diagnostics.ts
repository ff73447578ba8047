import {
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
} from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../compiler/index.js";
import type { Feature } from "./context.js";
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

/** Publishes diagnostics per document, debounced; a closed document's diagnostics are cleared. */
export const diagnostics: Feature = ({ connection, documents, analyses, log }) => {
  const timers = new Map<string, NodeJS.Timeout>();

  const publish = (uri: string) => {
    timers.delete(uri);
    try {
      const document = documents.get(uri);
      if (!document) return;
      const analysis = analyses.of(document);
      void connection
        .sendDiagnostics({
          uri,
          version: document.version,
          diagnostics: analysis.diagnostics.map((d) => toLspDiagnostic(document, d)),
        })
        .catch((error: unknown) => log(`lthc lsp: publishing diagnostics failed: ${describe(error)}`));
    } catch (error) {
      log(`lthc lsp: diagnostics failed: ${describe(error)}`);
    }
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
    analyses.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => {});
  });
};
