/** Result rows as flat records: CSV (RFC 4180 quoting, LF line ends) or JSON, with the swept parameters as columns. */
import type { ResultRow } from "./rows.js";

export const FIXED_COLUMNS = [
  "sweep",
  "job",
  "kind",
  "strategy",
  "scope",
  "counts",
  "method",
  "density",
  "achievedDensity",
  "layerDensities",
  "rewind",
  "replicate",
  "epoch",
  "adversary",
  "accuracy",
  "loss",
  "status",
  "reason",
  "dataset",
  "model",
  "trainAdversary",
  "judge",
  "base",
  "tolerance",
] as const satisfies readonly (keyof ResultRow)[];

export type Cell = string | number | null;
export type FlatRow = Record<string, Cell>;

/** A swept parameter keeps its name as a column unless a fixed column has it: then "param.<name>". */
export function paramColumn(name: string): string {
  return (FIXED_COLUMNS as readonly string[]).includes(name) ? `param.${name}` : name;
}

/** Columns in order: the fixed ones, then the parameters in order of first appearance. */
export function columnsOf(rows: readonly ResultRow[]): string[] {
  const params = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row.params)) params.add(paramColumn(name));
  return [...FIXED_COLUMNS, ...params];
}

export function flatten(row: ResultRow, columns: readonly string[]): FlatRow {
  const flat: FlatRow = {};
  const params: Record<string, Cell> = {};
  for (const [name, value] of Object.entries(row.params)) params[paramColumn(name)] = value;
  for (const column of columns) {
    const fixed = (FIXED_COLUMNS as readonly string[]).includes(column);
    const value = fixed ? row[column as (typeof FIXED_COLUMNS)[number]] : params[column];
    flat[column] = value ?? null;
  }
  return flat;
}

function csvField(value: Cell): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: readonly ResultRow[]): string {
  const columns = columnsOf(rows);
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) {
    const flat = flatten(row, columns);
    lines.push(columns.map((c) => csvField(flat[c])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** A JSON array of flat records with every column present (null where a value is missing). */
export function toJson(rows: readonly ResultRow[]): string {
  const columns = columnsOf(rows);
  return `${JSON.stringify(
    rows.map((row) => flatten(row, columns)),
    null,
    2,
  )}\n`;
}
