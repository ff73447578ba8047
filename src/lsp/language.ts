/**
 * The seam between the server and the compiler: the one file that calls the
 * compiler's API. Everything the handlers know about .lth comes through here.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";

export interface DocumentAnalysis {
  document: TextDocument;
}

export function analyzeDocument(document: TextDocument): DocumentAnalysis {
  return { document };
}
