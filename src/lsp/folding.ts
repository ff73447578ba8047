import { type FoldingRange, FoldingRangeKind, type FoldingRangeParams } from "vscode-languageserver/node.js";
import { walk } from "../compiler/index.js";
import type { Feature } from "./context.js";
import type { DocumentAnalysis } from "./language.js";

/** Folds `{ … }` blocks, statements that span lines (a sweep written over several lines) and runs of comment lines. */
export const folding: Feature = {
  capabilities: { foldingRangeProvider: true },
  register: ({ connection, requests }) =>
    connection.onFoldingRanges(
      requests.analysis(
        "foldingRange",
        (): FoldingRange[] => [],
        (analysis, _params: FoldingRangeParams) => foldingRangesOf(analysis),
      ),
    ),
};

export function foldingRangesOf(analysis: DocumentAnalysis): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const seen = new Set<string>();
  const add = (range: FoldingRange) => {
    const key = `${range.startLine}:${range.endLine}`;
    if (range.endLine <= range.startLine || seen.has(key)) return;
    seen.add(key);
    ranges.push(range);
  };
  const line = (offset: number) => analysis.document.positionAt(offset).line;
  walk(analysis.ast, (node) => {
    if (node.kind === "Sweep" && node.block)
      add({ startLine: line(node.block.start.offset), endLine: line(node.block.end.offset) });
    if (node.kind === "Sweep" || node.kind === "Let" || node.kind === "List" || node.kind === "Call") {
      add({ startLine: line(node.range.start.offset), endLine: line(node.range.end.offset) });
    }
  });
  for (const run of commentRuns(analysis)) add({ ...run, kind: FoldingRangeKind.Comment });
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** Consecutive lines whose only token is a comment. */
function commentRuns(analysis: DocumentAnalysis): { startLine: number; endLine: number }[] {
  const codeLines = new Set<number>();
  const commentLines: number[] = [];
  for (const token of analysis.tokens) {
    const line = analysis.document.positionAt(token.startOffset).line;
    if (token.isComment) commentLines.push(line);
    else codeLines.add(line);
  }
  const runs: { startLine: number; endLine: number }[] = [];
  for (const line of commentLines.filter((l) => !codeLines.has(l))) {
    const last = runs[runs.length - 1];
    if (last && last.endLine === line - 1) last.endLine = line;
    else runs.push({ startLine: line, endLine: line });
  }
  return runs;
}
