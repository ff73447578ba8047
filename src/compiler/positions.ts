import type { Position, Range } from "./ast.js";

/** Maps offsets to 1-based line/column positions. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo + 1, column: o - this.starts[lo] + 1 };
  }

  range(start: number, end: number): Range {
    const s = Number.isFinite(start) ? start : end;
    const e = Number.isFinite(end) ? Math.max(end, s) : s;
    return { start: this.position(s), end: this.position(e) };
  }

  /** The text of 1-based line `line`, without its newline. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
