import { type DocumentSymbol, type DocumentSymbolParams, SymbolKind } from "vscode-languageserver/node.js";
import type { LetDecl, Setting, Statement, SweepDecl } from "../compiler/index.js";
import type { Feature } from "./context.js";
import { toLspRange } from "./convert.js";
import type { DocumentAnalysis } from "./language.js";

/** Outline: sweeps (with their settings), shared settings and `let` names. */
export const documentSymbols: Feature = {
  capabilities: { documentSymbolProvider: true },
  register: ({ connection, requests }) =>
    connection.onDocumentSymbol(
      requests.analysis(
        "documentSymbol",
        (): DocumentSymbol[] => [],
        (analysis, _params: DocumentSymbolParams) => symbolsOf(analysis),
      ),
    ),
};

export function symbolsOf(analysis: DocumentAnalysis): DocumentSymbol[] {
  return analysis.ast.statements.map((statement) => statementSymbol(analysis, statement));
}

function statementSymbol(analysis: DocumentAnalysis, statement: Statement): DocumentSymbol {
  switch (statement.kind) {
    case "Sweep":
      return sweepSymbol(analysis, statement);
    case "Let":
      return letSymbol(analysis, statement);
    default:
      return settingSymbol(analysis, statement);
  }
}

function sweepSymbol(analysis: DocumentAnalysis, sweep: SweepDecl): DocumentSymbol {
  const { document } = analysis;
  const model = sweep.model ? analysis.sourceOf(sweep.model.range) : "";
  return symbol({
    name: sweep.name?.text || `sweep ${model}`.trim(),
    detail: sweep.name ? model : "",
    kind: SymbolKind.Class,
    range: toLspRange(document, sweep.range),
    selectionRange: toLspRange(document, sweep.name?.range ?? sweep.keywordRange),
    children: sweep.settings.filter((s) => s.key.text !== "").map((s) => settingSymbol(analysis, s)),
  });
}

function letSymbol(analysis: DocumentAnalysis, decl: LetDecl): DocumentSymbol {
  return symbol({
    name: decl.name.text || "let",
    detail: analysis.sourceOf(decl.value.range),
    kind: SymbolKind.Constant,
    range: toLspRange(analysis.document, decl.range),
    selectionRange: toLspRange(analysis.document, decl.name.range),
  });
}

function settingSymbol(analysis: DocumentAnalysis, setting: Setting): DocumentSymbol {
  return symbol({
    name: setting.key.text || "setting",
    detail: analysis.sourceOf(setting.value.range),
    kind: SymbolKind.Property,
    range: toLspRange(analysis.document, setting.range),
    selectionRange: toLspRange(analysis.document, setting.key.range),
  });
}

/** Clients reject a selectionRange outside its range; recovered (partial) nodes can produce one. */
function symbol(s: DocumentSymbol): DocumentSymbol {
  const inside = compare(s.range.start, s.selectionRange.start) <= 0 && compare(s.selectionRange.end, s.range.end) <= 0;
  return inside ? s : { ...s, selectionRange: { start: s.range.start, end: s.range.start } };
}

function compare(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}
