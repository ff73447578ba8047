import type { Range } from "./ast.js";
import { LineIndex } from "./positions.js";

export type Severity = "error" | "warning";

/** A suggested edit that fixes the problem (the LSP offers it as a quick fix). */
export interface Fix {
  range: Range;
  newText: string;
  title: string;
}

export interface Diagnostic {
  /** Stable code, e.g. "E012"; listed in docs/language.md. */
  code: string;
  severity: Severity;
  /** One line. */
  message: string;
  range: Range;
  hint?: string;
  fix?: Fix;
}

/** Diagnostic codes, one per kind of problem. */
export const CODES = {
  lexical: "E001",
  syntax: "E002",
  unknownSetting: "E010",
  unknownName: "E011",
  arity: "E012",
  unknownArgument: "E013",
  duplicateArgument: "E014",
  duplicateSetting: "E015",
  duplicateDefinition: "E016",
  cyclicLet: "E017",
  wrongType: "E020",
  wrongUnit: "E021",
  notInteger: "E022",
  outOfDomain: "E023",
  depth: "E024",
  eps: "E025",
  stepTooLarge: "E026",
  density: "E027",
  rewind: "E028",
  milestone: "E029",
  emptySweep: "E030",
  impDensity: "E031",
  modelShape: "E032",
  notSweepable: "E033",
  subset: "E034",
  missingModel: "E035",
  tooManyPoints: "E036",
  emptyRange: "E037",
  missingDensity: "E038",
  judgeNotEvaluated: "E039",
  unusedLet: "W101",
  noSweeps: "W102",
  ignored: "W103",
  epsUnits: "W104",
  learningRate: "W105",
  noPruning: "W106",
} as const;

/**
 * `file:line:col: error[E012]: message`, the source line, a caret line under the
 * span (to the end of the line for spans that continue), then `hint: ...`.
 */
export function renderDiagnostic(d: Diagnostic, text: string, file: string, lines = new LineIndex(text)): string {
  const { line, column } = d.range.start;
  const out = [`${file}:${line}:${column}: ${d.severity}[${d.code}]: ${d.message}`];
  const source = lines.lineText(line);
  const gutter = `${line} | `;
  out.push(`${gutter}${source}`);
  const endColumn = d.range.end.line === line ? d.range.end.column : source.length + 1;
  const width = Math.max(1, endColumn - column);
  out.push(`${" ".repeat(gutter.length - 2)}| ${" ".repeat(Math.max(0, column - 1))}${"^".repeat(width)}`);
  if (d.hint) out.push(`hint: ${d.hint}`);
  return out.join("\n");
}

export function renderDiagnostics(ds: readonly Diagnostic[], text: string, file: string): string {
  const lines = new LineIndex(text);
  return ds.map((d) => renderDiagnostic(d, text, file, lines)).join("\n\n");
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a distance that scales with the word's length, if any. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
