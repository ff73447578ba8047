import type { TextEdit } from "vscode-languageserver/node.js";
import { formatSpec } from "../compiler/index.js";
import type { Feature } from "./context.js";
import { spanToLspRange } from "./convert.js";
import { guard } from "./safe.js";

/** `lthc fmt`'s formatter; a file it cannot format (syntax errors) is left as it is. */
export const formatting: Feature = ({ connection, documents, log }) => {
  connection.onDocumentFormatting(
    guard(
      "formatting",
      (): TextEdit[] => [],
      log,
      (params) => {
        const document = documents.get(params.textDocument.uri);
        if (!document) return [];
        const text = document.getText();
        const formatted = formatSpec(text);
        if (formatted === null || formatted === text) return [];
        return [{ range: spanToLspRange(document, 0, text.length), newText: formatted }];
      },
    ),
  );
};
