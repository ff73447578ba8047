import type { Location } from "vscode-languageserver/node.js";
import type { Feature } from "./context.js";
import { offsetOf, toLspRange } from "./convert.js";
import { usageAt } from "./names.js";
import { guard } from "./safe.js";

/** Go-to-definition and find-references for `let` names, swept parameter names and sweep names. */
export const definitions: Feature = ({ connection, analyses, log }) => {
  connection.onDefinition(
    guard(
      "definition",
      (): Location | null => null,
      log,
      (params) => {
        const analysis = analyses.get(params.textDocument.uri);
        if (!analysis) return null;
        const usage = usageAt(analysis, offsetOf(analysis.document, params.position));
        if (!usage) return null;
        return { uri: params.textDocument.uri, range: toLspRange(analysis.document, usage.definition.nameRange) };
      },
    ),
  );
  connection.onReferences(
    guard(
      "references",
      (): Location[] => [],
      log,
      (params) => {
        const analysis = analyses.get(params.textDocument.uri);
        if (!analysis) return [];
        const usage = usageAt(analysis, offsetOf(analysis.document, params.position));
        if (!usage) return [];
        const ranges = params.context?.includeDeclaration
          ? [usage.definition.nameRange, ...usage.references]
          : usage.references;
        return ranges.map((range) => ({ uri: params.textDocument.uri, range: toLspRange(analysis.document, range) }));
      },
    ),
  );
};
