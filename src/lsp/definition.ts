import type { DefinitionParams, Location, ReferenceParams } from "vscode-languageserver/node.js";
import type { Feature } from "./context.js";
import { offsetOf, toLspRange } from "./convert.js";
import { usageAt } from "./names.js";

/** Go-to-definition and find-references for `let` names, swept parameter names and sweep names. */
export const definitions: Feature = {
  capabilities: { definitionProvider: true, referencesProvider: true },
  register: ({ connection, requests }) => {
    connection.onDefinition(
      requests.analysis(
        "definition",
        (): Location | null => null,
        (analysis, params: DefinitionParams) => {
          const usage = usageAt(analysis, offsetOf(analysis.document, params.position));
          if (!usage) return null;
          return { uri: params.textDocument.uri, range: toLspRange(analysis.document, usage.definition.nameRange) };
        },
      ),
    );
    connection.onReferences(
      requests.analysis(
        "references",
        (): Location[] => [],
        (analysis, params: ReferenceParams) => {
          const usage = usageAt(analysis, offsetOf(analysis.document, params.position));
          if (!usage) return [];
          const ranges = params.context?.includeDeclaration
            ? [usage.definition.nameRange, ...usage.references]
            : usage.references;
          return ranges.map((range) => ({ uri: params.textDocument.uri, range: toLspRange(analysis.document, range) }));
        },
      ),
    );
  },
};
