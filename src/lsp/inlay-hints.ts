import { type InlayHint, InlayHintKind, type InlayHintParams } from "vscode-languageserver/node.js";
import { type Expr, expandValue, type Node, SETTINGS_BY_NAME, type Swept, walk } from "../compiler/index.js";
import type { Feature } from "./context.js";
import { offsetOf } from "./convert.js";
import { formatValue } from "./hover-sweep.js";
import type { DocumentAnalysis } from "./language.js";

/**
 * Expansions the text does not spell out: `80%^[2..16]` → `15 densities: 64% … 2.8%`,
 * `[2..16 by 2]` → `8 values: 2 … 16`. Lists and alternatives already show their values.
 */
export const inlayHints: Feature = {
  capabilities: { inlayHintProvider: true },
  register: ({ connection, requests }) =>
    connection.languages.inlayHint.on(
      requests.analysis(
        "inlayHint",
        (): InlayHint[] => [],
        (analysis, params: InlayHintParams) => {
          const from = offsetOf(analysis.document, params.range.start);
          const to = offsetOf(analysis.document, params.range.end);
          return inlayHintsOf(analysis).filter((h) => {
            const at = analysis.document.offsetAt(h.position);
            return Math.min(from, to) <= at && at <= Math.max(from, to);
          });
        },
      ),
    ),
};

const NOUNS: Record<string, [string, string]> = {
  density: ["density", "densities"],
  strategy: ["strategy", "strategies"],
  time: ["rewind point", "rewind points"],
  model: ["model", "models"],
  adversary: ["adversary", "adversaries"],
};

export function inlayHintsOf(analysis: DocumentAnalysis): InlayHint[] {
  const hints: InlayHint[] = [];
  for (const statement of analysis.ast.statements) {
    const settings = statement.kind === "Sweep" ? statement.settings : statement.kind === "Setting" ? [statement] : [];
    for (const setting of settings) {
      const entry = SETTINGS_BY_NAME.get(setting.key.text);
      if (!entry?.sweepable) continue;
      const type = entry.type;
      walkHidden(setting.value, (node, direct) => {
        const expansion = expandValue(analysis, node);
        if (!expansion || expansion.values.length === 0) return;
        const [one, many] = direct ? (NOUNS[type] ?? ["value", "values"]) : ["value", "values"];
        const percent = direct && type === "density";
        hints.push({
          position: analysis.document.positionAt(node.range.end.offset),
          label: describeValues(expansion.values, percent, one, many),
          kind: InlayHintKind.Parameter,
          paddingLeft: true,
        });
      });
    }
  }
  return hints;
}

/** Ranges and geometric sets (alone or named: `w in 80%^[2..16]`), outermost only; `direct`: the setting's own value. */
function walkHidden(value: Expr, visit: (node: Swept | Expr, direct: boolean) => void): void {
  const hides = (n: Node) => n.kind === "Range" || n.kind === "Geometric";
  walk(value, (node, parent) => {
    if (!hides(node)) return;
    if (parent && hides(parent)) return;
    const target = parent?.kind === "Swept" ? parent : (node as Expr);
    visit(target, target === value || parent === value);
  });
}

function describeValues(values: readonly (string | number)[], percent: boolean, one: string, many: string): string {
  const shown = values.map((v) => formatValue(v, percent));
  if (shown.length === 1) return `1 ${one}: ${shown[0]}`;
  if (shown.length === 2) return `2 ${many}: ${shown.join(", ")}`;
  return `${shown.length} ${many}: ${shown[0]} … ${shown[shown.length - 1]}`;
}
