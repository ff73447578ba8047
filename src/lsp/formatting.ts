import type { DocumentFormattingParams, TextEdit } from "vscode-languageserver/node.js";
import { formatSpec } from "../compiler/index.js";
import type { Feature } from "./context.js";
import { spanToLspRange } from "./convert.js";

/** `lthc fmt`'s formatter; a file it cannot format (syntax errors) is left as it is. */
export const formatting: Feature = {
  capabilities: { documentFormattingProvider: true },
  register: ({ connection, requests }) =>
    connection.onDocumentFormatting(
      requests.document(
        "formatting",
        (): TextEdit[] => [],
        (document, _params: DocumentFormattingParams) => {
          const text = document.getText();
          const formatted = formatSpec(text);
          if (formatted === null || formatted === text) return [];
          return [{ range: spanToLspRange(document, 0, text.length), newText: formatted }];
        },
      ),
    ),
};
