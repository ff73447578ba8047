import type { SemanticTokensLegend } from "vscode-languageserver/node.js";

export const semanticTokensLegend: SemanticTokensLegend = {
  tokenTypes: ["keyword", "function", "enumMember", "number", "parameter", "variable", "comment", "operator", "string"],
  tokenModifiers: ["declaration", "defaultLibrary"],
};
