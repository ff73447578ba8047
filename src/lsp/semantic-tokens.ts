import type { SemanticTokens, SemanticTokensLegend, SemanticTokensParams } from "vscode-languageserver/node.js";
import { walk } from "../compiler/index.js";
import type { Feature } from "./context.js";
import type { DocumentAnalysis } from "./language.js";

const TYPES = [
  "keyword",
  "function",
  "enumMember",
  "number",
  "parameter",
  "variable",
  "comment",
  "operator",
  "class",
  "property",
] as const;
type TokenKind = (typeof TYPES)[number];
const MODIFIERS = ["declaration", "defaultLibrary"] as const;

export const semanticTokensLegend: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

export const semanticTokens: Feature = {
  capabilities: { semanticTokensProvider: { legend: semanticTokensLegend, full: true } },
  register: ({ connection, requests }) =>
    connection.languages.semanticTokens.on(
      requests.analysis(
        "semanticTokens",
        (): SemanticTokens => ({ data: [] }),
        (analysis, _params: SemanticTokensParams) => semanticTokensOf(analysis),
      ),
    ),
};

interface Classified {
  kind: TokenKind;
  declaration?: boolean;
  library?: boolean;
}

/** Identifiers take their meaning from where the AST puts them; other tokens from their lexical kind. */
function classifyNames(analysis: DocumentAnalysis): Map<number, Classified> {
  const byStart = new Map<number, Classified>();
  const defined = new Set(analysis.definitions.map((d) => d.name));
  walk(analysis.ast, (node) => {
    const at = node.range.start.offset;
    if (node.kind === "Call") byStart.set(node.callee.range.start.offset, { kind: "function", library: true });
    else if (node.kind === "Ref")
      byStart.set(at, defined.has(node.name) ? { kind: "variable" } : { kind: "enumMember", library: true });
    else if (node.kind === "Let") byStart.set(node.name.range.start.offset, { kind: "variable", declaration: true });
    else if (node.kind === "Swept") byStart.set(node.name.range.start.offset, { kind: "parameter", declaration: true });
    else if (node.kind === "Sweep" && node.name)
      byStart.set(node.name.range.start.offset, { kind: "class", declaration: true });
    else if (node.kind === "Arg" && node.name) byStart.set(node.name.range.start.offset, { kind: "property" });
  });
  return byStart;
}

export function semanticTokensOf(analysis: DocumentAnalysis): SemanticTokens {
  const names = classifyNames(analysis);
  const data: number[] = [];
  let previousLine = 0;
  let previousChar = 0;
  for (const token of analysis.tokens) {
    const classified = classify(token, names);
    if (!classified) continue;
    const start = analysis.document.positionAt(token.startOffset);
    const end = analysis.document.positionAt(token.endOffset);
    // Tokens never span lines in .lth; a defensive check keeps the encoding valid if one did.
    if (end.line !== start.line || token.endOffset <= token.startOffset) continue;
    const deltaLine = start.line - previousLine;
    const deltaChar = deltaLine === 0 ? start.character - previousChar : start.character;
    const modifiers = (classified.declaration ? 1 : 0) | (classified.library ? 2 : 0);
    data.push(deltaLine, deltaChar, token.endOffset - token.startOffset, TYPES.indexOf(classified.kind), modifiers);
    previousLine = start.line;
    previousChar = start.character;
  }
  return { data };
}

function classify(token: DocumentAnalysis["tokens"][number], names: Map<number, Classified>): Classified | null {
  if (token.isComment) return { kind: "comment" };
  if (token.isKeyword) return { kind: "keyword" };
  if (token.isNumber) return { kind: "number" };
  if (token.isIdentifier) return names.get(token.startOffset) ?? null;
  if (token.isOperator) return { kind: "operator" };
  return null;
}
