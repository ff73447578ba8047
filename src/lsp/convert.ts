import type { Position as LspPosition, Range as LspRange } from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Range } from "../compiler/index.js";

/**
 * Compiler ranges carry 0-based UTF-16 offsets (JavaScript string indices), which is
 * what LSP positions count too, so converting through the offset is exact.
 */
export function toLspRange(document: TextDocument, range: Range): LspRange {
  return { start: document.positionAt(range.start.offset), end: document.positionAt(range.end.offset) };
}

export function spanToLspRange(document: TextDocument, start: number, end: number): LspRange {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

/** Offset of a client position, clamped into the document (clients may send anything). */
export function offsetOf(document: TextDocument, position: LspPosition): number {
  const line = clampInt(position?.line, 0, Math.max(0, document.lineCount - 1));
  const character = clampInt(position?.character, 0, Number.MAX_SAFE_INTEGER);
  return document.offsetAt({ line, character });
}

function clampInt(value: unknown, low: number, high: number): number {
  const n = typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : low;
  return Math.min(high, Math.max(low, n));
}

/** Whether a client position lies inside the document (hover answers nothing past its end). */
export function isInside(document: TextDocument, position: LspPosition): boolean {
  if (!position || !Number.isInteger(position.line) || !Number.isInteger(position.character)) return false;
  if (position.line < 0 || position.line >= document.lineCount || position.character < 0) return false;
  const lineEnd = document.offsetAt({ line: position.line + 1, character: 0 });
  const lineStart = document.offsetAt({ line: position.line, character: 0 });
  return position.character <= lineEnd - lineStart;
}
