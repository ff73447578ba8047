/** Names the file defines and their uses, from the compiler's lookup (src/compiler/lookup.ts). */
import type { LetDecl } from "../compiler/index.js";
import { type Definition, type Usage, usageAt as usageAtOffset } from "../compiler/lookup.js";
import type { DocumentAnalysis } from "./language.js";

export type { Definition, Usage };

/** The definition whose name, or one of whose uses, is under `offset`. */
export function usageAt(analysis: DocumentAnalysis, offset: number): Usage | null {
  return usageAtOffset(analysis.ast, offset);
}

/** The `let` statement that defines `definition`. */
export function letDeclOf(analysis: DocumentAnalysis, definition: Definition): LetDecl | undefined {
  return analysis.ast.statements.find(
    (s): s is LetDecl => s.kind === "Let" && s.name.range.start.offset === definition.nameRange.start.offset,
  );
}
