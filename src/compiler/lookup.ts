/**
 * Names a .lth file defines and where they are used: `let` names (file-wide),
 * swept parameter names (`k in [1, 8]`, scoped to their sweep) and sweep names.
 * Pure AST queries: the checker's table of lets and the LSP's definition, references
 * and semantic tokens, so that a name means the same thing to both.
 */
import { type FileNode, type LetDecl, type Node, type Range, walk } from "./ast.js";

export type DefinitionKind = "let" | "param" | "sweep";

export interface Definition {
  name: string;
  kind: DefinitionKind;
  /** The name as written where it is defined. */
  nameRange: Range;
  /** The whole defining construct (`let eps = 0.1`, `k in [1, 8]`, the sweep). */
  range: Range;
  /** Where the name is visible: its sweep for a parameter, null for the whole file. */
  scope: Range | null;
}

export interface Usage {
  definition: Definition;
  /** Ranges of the uses (Ref nodes), excluding the definition itself. */
  references: Range[];
}

function within(range: Range, inner: Range): boolean {
  return range.start.offset <= inner.start.offset && inner.end.offset <= range.end.offset;
}

export function definitionsOf(file: FileNode): Definition[] {
  const definitions: Definition[] = [];
  for (const statement of file.statements) {
    if (statement.kind === "Let" && statement.name.text) {
      definitions.push({
        name: statement.name.text,
        kind: "let",
        nameRange: statement.name.range,
        range: statement.range,
        scope: null,
      });
    }
    if (statement.kind === "Sweep") {
      if (statement.name?.text) {
        definitions.push({
          name: statement.name.text,
          kind: "sweep",
          nameRange: statement.name.range,
          range: statement.range,
          scope: null,
        });
      }
      const seen = new Set<string>();
      walk(statement, (node) => {
        // A name swept twice in one sweep is one parameter (its values must agree): the first occurrence defines it.
        if (node.kind === "Swept" && node.name.text && !seen.has(node.name.text)) {
          seen.add(node.name.text);
          definitions.push({
            name: node.name.text,
            kind: "param",
            nameRange: node.name.range,
            range: node.range,
            scope: statement.range,
          });
        }
      });
    }
  }
  return definitions;
}

/**
 * The file's `let` declarations by name; a name defined twice means its first definition
 * (the second is an error, E016). The evaluator looks lets up here.
 */
export function letTable(file: FileNode): Map<string, LetDecl> {
  const lets = new Map<string, LetDecl>();
  for (const s of file.statements)
    if (s.kind === "Let" && s.name.text !== "" && !lets.has(s.name.text)) lets.set(s.name.text, s);
  return lets;
}

/**
 * The definition a use at `range` refers to, by the evaluator's rule (evaluator.ts,
 * `sweepable` then `number`): the `let` of that name (its first definition), else the
 * parameter swept under that name in the enclosing sweep.
 */
export function resolve(definitions: Definition[], name: string, range: Range): Definition | null {
  const binding = definitions.find((d) => d.kind === "let" && d.name === name);
  if (binding) return binding;
  return definitions.find((d) => d.kind === "param" && d.name === name && d.scope && within(d.scope, range)) ?? null;
}

/** Every use of every definition. */
export function usagesOf(file: FileNode, definitions = definitionsOf(file)): Usage[] {
  const usages = new Map<Definition, Range[]>(definitions.map((d) => [d, []]));
  walk(file, (node: Node) => {
    if (node.kind === "Ref") {
      const definition = resolve(definitions, node.name, node.range);
      if (definition) usages.get(definition)?.push(node.range);
    } else if (node.kind === "Swept") {
      const definition = definitions.find(
        (d) => d.kind === "param" && d.name === node.name.text && d.scope && within(d.scope, node.range),
      );
      if (definition && definition.nameRange !== node.name.range) usages.get(definition)?.push(node.name.range);
    }
  });
  return definitions.map((definition) => ({ definition, references: usages.get(definition) ?? [] }));
}

/** The definition whose name, or one of whose uses, covers `offset`. */
export function usageAt(file: FileNode, offset: number): Usage | null {
  const covers = (r: Range) => r.start.offset <= offset && offset <= r.end.offset;
  for (const usage of usagesOf(file)) {
    if (covers(usage.definition.nameRange) || usage.references.some(covers)) return usage;
  }
  return null;
}
