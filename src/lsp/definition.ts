import type { Location } from "vscode-languageserver/node.js";
import { usageAt } from "../compiler/lookup.js";
import type { Feature } from "./context.js";
import { offsetOf, toLspRange } from "./convert.js";
import { guard } from "./safe.js";

/** Go-to-definition and find-references for `let` names, swept parameter names and sweep names. */
export const definitions: Feature = ({ connection, analyses, log }) => {
  connection.onDefinition(
    guard(
      "definition",
      () => null,
      log,
      (params) => {
        const analysis = analyses.get(params.textDocument.uri);
        if (!analysis) return null;
        const usage = usageAt(analysis.ast, offsetOf(analysis.document, params.position));
        if (!usage) return null;
        const location: Location = {
          uri: params.textDocument.uri,
          range: toLspRange(analysis.document, usage.definition.nameRange),
        };
        return location;
      },
    ),
  );
  connection.onReferences(
    guard(
      "references",
      () => [],
      log,
      (params) => {
        const analysis = analyses.get(params.textDocument.uri);
        if (!analysis) return [];
        const usage = usageAt(analysis.ast, offsetOf(analysis.document, params.position));
        if (!usage) return [];
        const ranges = params.context?.includeDeclaration
          ? [usage.definition.nameRange, ...usage.references]
          : usage.references;
        return ranges.map(
          (range): Location => ({ uri: params.textDocument.uri, range: toLspRange(analysis.document, range) }),
        );
      },
    ),
  );
};
