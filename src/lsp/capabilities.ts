import { CodeActionKind, type ServerCapabilities, TextDocumentSyncKind } from "vscode-languageserver/node.js";
import { semanticTokensLegend } from "./semantic-tokens.js";

export const serverCapabilities: ServerCapabilities = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  completionProvider: { triggerCharacters: ["(", ",", "|", "="], resolveProvider: false },
  hoverProvider: true,
  inlayHintProvider: true,
  documentFormattingProvider: true,
  documentSymbolProvider: true,
  semanticTokensProvider: { legend: semanticTokensLegend, full: true },
  foldingRangeProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  definitionProvider: true,
  referencesProvider: true,
};
