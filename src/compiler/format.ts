/**
 * Canonical formatting: one statement per line, a sweep's settings one per line
 * (or the whole sweep on one line when it is short), canonical spacing inside values,
 * comments kept where they were (own-line or trailing), at most one blank line in a
 * row. A setting whose value contains a comment is kept verbatim.
 */
import type * as A from "./ast.js";
import { parse } from "./parser.js";

interface Line {
  indent: number;
  text: string;
  comment?: string;
}

interface CommentTok {
  start: number;
  end: number;
  text: string;
  line: number;
}

export function formatExpr(e: A.Expr): string {
  switch (e.kind) {
    case "Number":
      return e.text;
    case "Ref":
      return e.name;
    case "Call":
      return `${e.callee.text}(${e.args.map((a) => (a.name ? `${a.name.text}=${formatExpr(a.value)}` : formatExpr(a.value))).join(", ")})`;
    case "Binary":
      return `${formatExpr(e.left)}${e.op}${formatExpr(e.right)}`;
    case "Alternatives":
      return e.options.map(formatExpr).join("|");
    case "List":
      return `[${e.items.map(formatExpr).join(", ")}]`;
    case "Range":
      return `[${formatExpr(e.from)}..${formatExpr(e.to)}${e.by ? ` by ${formatExpr(e.by)}` : ""}]`;
    case "Geometric":
      return `${formatExpr(e.base)}^${formatExpr(e.exponents)}`;
    case "Swept":
      return `${e.name.text} in ${formatExpr(e.values)}`;
    case "Paren":
      return `(${formatExpr(e.inner)})`;
    case "Error":
      return "";
  }
}

/** The canonical form of `text`, or null when it has syntax errors. Idempotent. */
export function formatSpec(text: string): string | null {
  try {
    return formatUnsafe(text);
  } catch {
    return null;
  }
}

function formatUnsafe(text: string): string | null {
  const parsed = parse(text);
  if (parsed.problems.length > 0) return null;
  const comments: CommentTok[] = parsed.comments.map((c) => ({
    start: c.startOffset,
    end: (c.endOffset ?? c.startOffset) + 1,
    text: c.image.replace(/\s+$/, ""),
    line: c.startLine ?? parsed.lines.position(c.startOffset).line,
  }));
  const f = new Formatter(text, comments, parsed.lines.position.bind(parsed.lines));
  for (const s of parsed.file.statements) f.statement(s);
  f.flushComments(Number.POSITIVE_INFINITY, 0);
  return f.render();
}

class Formatter {
  private readonly lines: Line[] = [];
  private next = 0;
  private lastEnd = -1;

  constructor(
    private readonly text: string,
    private readonly comments: CommentTok[],
    private readonly pos: (offset: number) => A.Position,
  ) {}

  render(): string {
    while (
      this.lines.length > 0 &&
      this.lines[this.lines.length - 1].text === "" &&
      !this.lines[this.lines.length - 1].comment
    ) {
      this.lines.pop();
    }
    const out = this.lines.map((l) => {
      const body = `${" ".repeat(l.text || l.comment ? l.indent : 0)}${l.text}`;
      if (!l.comment) return body;
      return l.text ? `${body}  ${l.comment}` : `${body}${l.comment}`;
    });
    return out.length === 0 ? "" : `${out.join("\n")}\n`;
  }

  /** A blank line if the source had one between the last output and `offset`. */
  private blankBefore(offset: number): void {
    if (this.lastEnd < 0 || this.lines.length === 0) return;
    const gap = this.text.slice(this.lastEnd, offset);
    const last = this.lines[this.lines.length - 1];
    if (/\n[ \t\r]*\n/.test(gap) && !(last.text === "" && !last.comment)) this.lines.push({ indent: 0, text: "" });
  }

  /** Emit own-line comments that end before `offset`. */
  flushComments(offset: number, indent: number): void {
    while (this.next < this.comments.length && this.comments[this.next].end <= offset) {
      const c = this.comments[this.next++];
      this.blankBefore(c.start);
      this.lines.push({ indent, text: "", comment: c.text });
      this.lastEnd = c.end;
    }
  }

  /** Attach a comment on the same source line as `end` (before `limit`) to the last line. */
  private trailing(end: number, limit: number): void {
    const c = this.comments[this.next];
    if (!c || c.start >= limit || c.line !== this.pos(end).line) return;
    const last = this.lines[this.lines.length - 1];
    last.comment = last.comment ? `${last.comment} ${c.text}` : c.text;
    this.next++;
    this.lastEnd = c.end;
  }

  /** Canonical text of a node, or its source verbatim when a comment lies inside it. */
  private body(start: number, end: number, canonical: () => string): string {
    const inside = this.comments.slice(this.next).filter((c) => c.start >= start && c.end <= end);
    if (inside.length === 0) return canonical();
    this.next += inside.length;
    return this.text.slice(start, end);
  }

  private emit(node: { range: A.Range }, indent: number, render: () => string, limit: number): void {
    const start = node.range.start.offset;
    const end = node.range.end.offset;
    this.flushComments(start, indent);
    this.blankBefore(start);
    this.lines.push({ indent, text: this.body(start, end, render) });
    this.lastEnd = end;
    this.trailing(end, limit);
  }

  statement(s: A.Statement): void {
    const limit = Number.POSITIVE_INFINITY;
    if (s.kind === "Let") this.emit(s, 0, () => `let ${s.name.text} = ${formatExpr(s.value)}`, limit);
    else if (s.kind === "Setting") this.emit(s, 0, () => settingText(s), limit);
    else this.sweep(s);
  }

  private sweep(s: A.SweepDecl): void {
    const start = s.range.start.offset;
    const end = s.range.end.offset;
    const head = `sweep${s.name ? ` ${s.name.text}:` : ""}${s.model ? ` ${formatExpr(s.model)}` : ""}`;
    const inline = s.block ? s.settings.filter((x) => x.range.start.offset < s.block!.start.offset) : s.settings;
    const blockSettings = s.settings.slice(inline.length);
    const hasComment = this.comments.slice(this.next).some((c) => c.start >= start && c.end <= end);
    const oneLine = [head, ...inline.map(settingText)].join(" ");
    // The author's choice between one line and one setting per line is kept.
    const writtenOnOneLine = s.range.start.line === s.range.end.line;
    if (!s.block && !hasComment && writtenOnOneLine) {
      this.emit(s, 0, () => oneLine, Number.POSITIVE_INFINITY);
      return;
    }
    const headerEnd = s.model?.range.end.offset ?? s.name?.range.end.offset ?? s.keywordRange.end.offset;
    const firstAfter = s.settings[0]?.range.start.offset ?? s.block?.start.offset ?? end;
    this.emit({ range: { start: s.range.start, end: this.pos(headerEnd) } }, 0, () => head, firstAfter);
    inline.forEach((x, i) => {
      const limit = inline[i + 1]?.range.start.offset ?? s.block?.start.offset ?? Number.POSITIVE_INFINITY;
      this.emit(x, 2, () => settingText(x), limit);
    });
    if (!s.block) return;
    const opener = this.lines[this.lines.length - 1];
    opener.text += " {";
    const inner = inline.length > 0 ? 4 : 2;
    const closeIndent = inline.length > 0 ? 2 : 0;
    const close = s.block.end.offset - 1;
    // A comment right after `{` on its line stays there.
    this.trailing(s.block.start.offset, blockSettings[0]?.range.start.offset ?? close);
    blockSettings.forEach((x, i) => {
      this.emit(x, inner, () => settingText(x), blockSettings[i + 1]?.range.start.offset ?? close);
    });
    this.flushComments(close, inner);
    this.lines.push({ indent: closeIndent, text: "}" });
    this.lastEnd = s.block.end.offset;
    this.trailing(s.block.end.offset - 1, Number.POSITIVE_INFINITY);
  }
}

function settingText(s: A.Setting): string {
  return `${s.key.text} ${formatExpr(s.value)}`;
}
