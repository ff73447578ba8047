/**
 * The typed AST of a .lth file. Every node has a `kind` and a source `range`, and
 * `children(node)` lists a node's sub-nodes in source order, so tools (the LSP) can
 * walk the tree without knowing every kind.
 */

/** A position in the text: 0-based offset, 1-based line and column (as printed in diagnostics). */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** A half-open span [start, end) of the text. */
export interface Range {
  start: Position;
  end: Position;
}

export interface NodeBase {
  range: Range;
}

/** A name as written, with its own range (for go-to-definition and fixes). */
export interface Name extends NodeBase {
  kind: "Name";
  text: string;
}

export type NumberUnit = "" | "%" | "ep" | "it";

/** `0.1`, `80%`, `8ep`, `500it`. `value` is the number as written (80 for `80%`). */
export interface NumberLit extends NodeBase {
  kind: "Number";
  value: number;
  unit: NumberUnit;
  text: string;
}

/** An identifier in value position: a catalog atom (`linf`, `global`, `cifar10`) or a `let` name. */
export interface Ref extends NodeBase {
  kind: "Ref";
  name: string;
}

/** A positional (`0.1`) or named (`step=0.05`) argument of a call. */
export interface Arg extends NodeBase {
  kind: "Arg";
  name: Name | null;
  value: Expr;
}

/** `wrn(20, 1)`, `pgd(linf, 0.1, 2, step=0.05)`, `crop(4)`. */
export interface Call extends NodeBase {
  kind: "Call";
  callee: Name;
  args: Arg[];
}

/** `a * b`, `a / b` (numbers) and `a + b` (augmentations combined, e.g. `flip+crop(4)`). */
export interface Binary extends NodeBase {
  kind: "Binary";
  op: "*" | "/" | "+";
  left: Expr;
  right: Expr;
}

/** `global|random`: swept alternatives. */
export interface Alternatives extends NodeBase {
  kind: "Alternatives";
  options: Expr[];
}

/** `[1, 8]`: swept values, or a plain list where a setting takes a list (`milestones [80, 120]`). */
export interface ListExpr extends NodeBase {
  kind: "List";
  items: Expr[];
}

/** `[2..16]`, `[2..16 by 2]`: inclusive integer range. */
export interface RangeExpr extends NodeBase {
  kind: "Range";
  from: Expr;
  to: Expr;
  by: Expr | null;
}

/** `80%^[2..16]`: base raised to each exponent of a range or list. */
export interface Geometric extends NodeBase {
  kind: "Geometric";
  base: Expr;
  exponents: Expr;
}

/** `k in [1, 8]`: a swept value with a parameter name. */
export interface Swept extends NodeBase {
  kind: "Swept";
  name: Name;
  values: Expr;
}

/** `( expr )`. */
export interface Paren extends NodeBase {
  kind: "Paren";
  inner: Expr;
}

/** Stand-in for a value the parser could not read (a syntax error was reported). */
export interface ErrorExpr extends NodeBase {
  kind: "Error";
}

export type Expr =
  | NumberLit
  | Ref
  | Call
  | Binary
  | Alternatives
  | ListExpr
  | RangeExpr
  | Geometric
  | Swept
  | Paren
  | ErrorExpr;

/** `epochs 160`, `under pgd(...)`; `key` is a setting keyword or (an error) an unknown word. */
export interface Setting extends NodeBase {
  kind: "Setting";
  key: Name;
  value: Expr;
}

/** `let eps = 0.1`. */
export interface LetDecl extends NodeBase {
  kind: "Let";
  name: Name;
  value: Expr;
}

/**
 * `sweep [name:] [model] setting* [{ setting* }]`. The model right after the header
 * is shorthand for a `model` setting; `settings` holds it first, then the inline
 * settings, then the block's, in source order.
 */
export interface SweepDecl extends NodeBase {
  kind: "Sweep";
  name: Name | null;
  /** Range of the `sweep` keyword (for outline / hover when unnamed). */
  keywordRange: Range;
  model: Expr | null;
  settings: Setting[];
  /** Range of the `{ ... }` block, if any. */
  block: Range | null;
}

export type Statement = LetDecl | SweepDecl | Setting;

export interface FileNode extends NodeBase {
  kind: "File";
  statements: Statement[];
}

export type Node = FileNode | Statement | Expr | Arg | Name;

/** A node's direct sub-nodes in source order. */
export function children(node: Node): Node[] {
  switch (node.kind) {
    case "File":
      return node.statements;
    case "Let":
      return [node.name, node.value];
    case "Sweep":
      return [...(node.name ? [node.name] : []), ...(node.model ? [node.model] : []), ...node.settings];
    case "Setting":
      return [node.key, node.value];
    case "Arg":
      return node.name ? [node.name, node.value] : [node.value];
    case "Call":
      return [node.callee, ...node.args];
    case "Binary":
      return [node.left, node.right];
    case "Alternatives":
      return node.options;
    case "List":
      return node.items;
    case "Range":
      return node.by ? [node.from, node.to, node.by] : [node.from, node.to];
    case "Geometric":
      return [node.base, node.exponents];
    case "Swept":
      return [node.name, node.values];
    case "Paren":
      return [node.inner];
    default:
      return [];
  }
}

/** Visit every node depth-first, parents before children. */
export function walk(node: Node, visit: (node: Node, parent: Node | null) => void, parent: Node | null = null): void {
  visit(node, parent);
  for (const child of children(node)) walk(child, visit, node);
}

/** The innermost node whose range contains `offset` (inclusive of the end, for a cursor after a word). */
export function nodeAt(root: Node, offset: number): Node[] {
  const path: Node[] = [];
  let current: Node | undefined = root;
  while (current) {
    path.push(current);
    current = children(current).find((c) => c.range.start.offset <= offset && offset <= c.range.end.offset);
  }
  return path;
}
