/** Markdown documentation for catalog entries, shared by completion items and hovers. */
import type { MarkupContent } from "vscode-languageserver/node.js";
import {
  type CatalogEntry,
  catalog,
  landingPath,
  lookup,
  type ParamDoc,
  SETTINGS_BY_NAME,
  type ValueType,
} from "../compiler/index.js";

export function entryMarkdown(entry: CatalogEntry): string {
  const parts = [fence(entry.signature), entry.doc];
  const params = entry.params.map(paramLine);
  if (params.length > 0) parts.push(params.join("\n"));
  if (entry.default !== undefined) parts.push(`Default: \`${entry.default}\``);
  const setting = entry.kind === "setting" ? SETTINGS_BY_NAME.get(entry.name) : undefined;
  if (setting?.domain) parts.push(`Must be below ${setting.domain.below}.`);
  if (setting) parts.push(`Resolves to \`${landingPath(setting)}\`.`);
  if (entry.example && entry.example !== entry.signature) parts.push(`Example: \`${entry.example}\``);
  return parts.join("\n\n");
}

export function paramLine(param: ParamDoc): string {
  const def = param.default === undefined ? "" : ` (default: \`${param.default}\`)`;
  return `- \`${param.name}\` — ${param.doc}${def}`;
}

export function fence(code: string): string {
  return `\`\`\`lth\n${code}\n\`\`\``;
}

export function markdown(value: string): MarkupContent {
  return { kind: "markdown", value };
}

/**
 * The catalog entry a name means where it is written: the meaning of a kind the
 * position asks for when there is one (`random` is a strategy after `prune` and an
 * option in `pgd(start=random)`), else its first meaning.
 */
export function entryFor(name: string, preferKinds: readonly string[] = []): CatalogEntry | undefined {
  const entries = lookup(name);
  for (const kind of preferKinds) {
    const match = entries.find((e) => e.kind === kind);
    if (match) return match;
  }
  return entries[0];
}

const KINDS_BY_TYPE: Partial<Record<ValueType, readonly CatalogEntry[]>> = {
  dataset: catalog.datasets,
  augment: catalog.augmentations,
  model: catalog.models,
  adversary: catalog.adversaries,
  "adversary-list": catalog.adversaries,
  strategy: catalog.strategies,
  optimizer: catalog.optimizers,
  bool: catalog.options.filter((o) => o.name === "on" || o.name === "off"),
};

/** The named values a setting takes (empty for numeric settings). */
export function valuesForSetting(setting: string | null): readonly CatalogEntry[] {
  const type = setting ? SETTINGS_BY_NAME.get(setting)?.type : undefined;
  return type ? (KINDS_BY_TYPE[type] ?? []) : [];
}

/** The named values a call parameter takes: the choices its declaration lists (`linf` or `l2`). */
export function valuesForParam(param: ParamDoc | undefined): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const name of param?.values ?? []) {
    const entry = entryFor(name, ["norm", "option", "strategy", "adversary"]);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The catalog entry of a callee that takes parameters (`pgd`, `wrn`, `crop`, `cifar10`, `random`). */
export function calleeEntry(name: string): CatalogEntry | undefined {
  return lookup(name).find((e) => e.params.length > 0) ?? lookup(name)[0];
}
