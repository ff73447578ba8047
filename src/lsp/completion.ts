import {
  type CompletionItem,
  CompletionItemKind,
  type CompletionParams,
  type Range as LspRange,
} from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { type CatalogEntry, catalog, positionalParam, SETTINGS_BY_NAME } from "../compiler/index.js";
import type { Feature } from "./context.js";
import { offsetOf, spanToLspRange } from "./convert.js";
import { type Cursor, type CursorContext, cursorAt } from "./cursor.js";
import { calleeEntry, entryMarkdown, fence, markdown, valuesForParam, valuesForSetting } from "./docs.js";
import type { DocumentAnalysis, LexToken } from "./language.js";
import { letDeclOf } from "./names.js";

/**
 * What completion reads: the current text's tokens, and the `let` names of the latest
 * analysis (which may lag a keystroke behind) — never a whole analysis per keystroke.
 */
export interface CompletionInput {
  document: TextDocument;
  tokens: LexToken[];
  lets: { name: string; source: string }[];
}

export const completion: Feature = {
  capabilities: { completionProvider: { triggerCharacters: ["(", ",", "|", "="], resolveProvider: false } },
  register: ({ connection, analyses, requests }) =>
    connection.onCompletion(
      requests.document(
        "completion",
        (): CompletionItem[] => [],
        (document, params: CompletionParams) => {
          const input: CompletionInput = {
            document,
            tokens: analyses.tokens(document),
            lets: letsOf(analyses.latest(document)),
          };
          return completionsAt(input, offsetOf(document, params.position));
        },
      ),
    ),
};

const ITEM_KIND: Record<string, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  setting: CompletionItemKind.Keyword,
  model: CompletionItemKind.Function,
  dataset: CompletionItemKind.Module,
  adversary: CompletionItemKind.Function,
  norm: CompletionItemKind.EnumMember,
  strategy: CompletionItemKind.EnumMember,
  augmentation: CompletionItemKind.EnumMember,
  optimizer: CompletionItemKind.EnumMember,
  option: CompletionItemKind.EnumMember,
  unit: CompletionItemKind.Unit,
};

export function completionsAt(analysis: CompletionInput, offset: number): CompletionItem[] {
  const cursor = cursorAt(analysis.tokens, offset);
  const range = spanToLspRange(
    analysis.document,
    cursor.word?.startOffset ?? offset,
    Math.max(offset, cursor.word?.endOffset ?? offset),
  );
  const groups = candidates(analysis, cursor);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  groups.forEach((group, rank) => {
    for (const item of group) {
      if (seen.has(item.label)) continue;
      seen.add(item.label);
      items.push({
        ...item,
        sortText: `${rank}_${item.label}`,
        textEdit: item.textEdit ?? { range, newText: item.insertText ?? item.label },
        insertText: undefined,
      });
    }
  });
  return items;
}

/** Candidate groups, most relevant first. */
function candidates(analysis: CompletionInput, cursor: Cursor): CompletionItem[][] {
  const context: CursorContext = cursor.context;
  const lets = letItems(analysis);
  switch (context.kind) {
    case "comment":
    case "naming":
      return [];
    case "statement":
      return context.inBlock ? [settingItems()] : [statementKeywords(), settingItems()];
    case "sweepHeader":
      return [entries(catalog.models)];
    case "value": {
      const unit = unitItems(analysis, cursor, context.setting);
      if (unit) return [unit];
      // A `let` may name any value: offer every named one.
      if (context.setting === null) return [lets, entries(anyValue())];
      return [entries(valuesForSetting(context.setting)), lets];
    }
    case "afterValue": {
      const unit = unitItems(analysis, cursor, context.setting);
      if (unit) return [unit];
      return context.inBlock ? [settingItems()] : [settingItems(), statementKeywords()];
    }
    case "argument":
      return argumentItems(analysis, cursor, context, lets);
  }
}

function argumentItems(
  analysis: CompletionInput,
  cursor: Cursor,
  context: Extract<CursorContext, { kind: "argument" }>,
  lets: CompletionItem[],
): CompletionItem[][] {
  const entry = calleeEntry(context.callee);
  if (!entry) return [lets];
  const unit = unitItems(analysis, cursor, null);
  if (unit) return [unit];
  const param = context.named
    ? entry.params.find((p) => p.name === context.named)
    : positionalParam(entry.params, context.index);
  const values = entries(valuesForParam(param));
  if (context.named || context.nested) return [values, lets];
  const options = entry.params
    .filter((p) => p.default !== undefined && !context.used.includes(p.name))
    .map(
      (p): CompletionItem => ({
        label: `${p.name}=`,
        kind: CompletionItemKind.Property,
        detail: `${entry.name} option${p.default ? ` (default ${p.default})` : ""}`,
        documentation: markdown(`${p.doc}${p.default ? `\n\nDefault: \`${p.default}\`` : ""}`),
      }),
    );
  return [values, options, lets];
}

function entries(list: readonly CatalogEntry[]): CompletionItem[] {
  return list.map((entry) => ({
    label: entry.name,
    kind: ITEM_KIND[entry.kind] ?? CompletionItemKind.Text,
    detail: entry.signature,
    documentation: markdown(entryMarkdown(entry)),
  }));
}

function anyValue(): CatalogEntry[] {
  return [
    ...catalog.models,
    ...catalog.adversaries,
    ...catalog.strategies,
    ...catalog.datasets,
    ...catalog.augmentations,
    ...catalog.norms,
  ];
}

function settingItems(): CompletionItem[] {
  return entries(catalog.settings);
}

function statementKeywords(): CompletionItem[] {
  return entries(catalog.keywords.filter((k) => k.name === "sweep" || k.name === "let"));
}

export function letsOf(analysis: DocumentAnalysis): CompletionInput["lets"] {
  return analysis.definitions
    .filter((d) => d.kind === "let")
    .map((d) => {
      const decl = letDeclOf(analysis, d);
      return { name: d.name, source: decl ? analysis.sourceOf(decl.range) : `let ${d.name}` };
    });
}

function letItems(analysis: CompletionInput): CompletionItem[] {
  return analysis.lets.map(({ name, source }) => ({
    label: name,
    kind: CompletionItemKind.Variable,
    detail: source,
    documentation: markdown(`Defined in this file:\n\n${fence(source)}`),
  }));
}

/** Right after a bare number (`80|`), its possible units, appended (not replacing the number). */
function unitItems(analysis: CompletionInput, cursor: Cursor, setting: string | null): CompletionItem[] | null {
  const word = cursor.word;
  if (!word?.isNumber || !/^[\d.eE+-]+$/.test(word.image)) return null;
  const at = spanToLspRange(analysis.document, word.endOffset, word.endOffset);
  const type = setting ? SETTINGS_BY_NAME.get(setting)?.type : undefined;
  const wanted = type === "density" ? ["%"] : type === "time" ? ["ep", "it"] : null;
  return catalog.units
    .filter((unit) => !wanted || wanted.includes(unit.name))
    .map((unit) => ({
      label: `${word.image}${unit.name}`,
      filterText: `${word.image}${unit.name}`,
      kind: CompletionItemKind.Unit,
      detail: unit.doc,
      documentation: markdown(entryMarkdown(unit)),
      textEdit: {
        range: unionRange(spanToLspRange(analysis.document, word.startOffset, word.startOffset), at),
        newText: `${word.image}${unit.name}`,
      },
    }));
}

function unionRange(a: LspRange, b: LspRange): LspRange {
  return { start: a.start, end: b.end };
}
