import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Diagnostic as LspDiagnostic,
} from "vscode-languageserver/node.js";
import type { Feature } from "./context.js";
import { offsetOf, toLspRange } from "./convert.js";
import { toLspDiagnostic } from "./diagnostics.js";

/**
 * Quick fixes: the compiler attaches a `fix` to diagnostics with an obvious remedy
 * (a misspelled name → its nearest valid one, a PGD step larger than ε → ε/n, `50`
 * as a density → `50%`…); each becomes a code action on the current analysis.
 */
export const codeActions: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register: ({ connection, analyses, requests }) =>
    connection.onCodeAction(
      requests.analysis(
        "codeAction",
        (): CodeAction[] => [],
        (analysis, params: CodeActionParams) => {
          const { document } = analysis;
          const start = offsetOf(document, params.range.start);
          const end = offsetOf(document, params.range.end);
          const [from, to] = start <= end ? [start, end] : [end, start];
          const only = params.context?.only;
          if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
          return analyses
            .diagnosticsOf(document)
            .filter((d) => d.fix && d.range.start.offset <= to && from <= d.range.end.offset)
            .map((d): CodeAction => {
              const fix = d.fix!;
              const diagnostic: LspDiagnostic = toLspDiagnostic(document, d);
              return {
                title: fix.title,
                kind: CodeActionKind.QuickFix,
                diagnostics: [diagnostic],
                isPreferred: true,
                edit: {
                  changes: {
                    [params.textDocument.uri]: [{ range: toLspRange(document, fix.range), newText: fix.newText }],
                  },
                },
              };
            });
        },
      ),
    ),
};
