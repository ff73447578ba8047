import type { Hover, HoverParams } from "vscode-languageserver/node.js";
import {
  type Arg,
  bindCall,
  type Call,
  type CatalogEntry,
  catalog,
  type Expr,
  expandValue,
  lookup,
  type Node,
  nodeAt,
  SETTINGS_BY_NAME,
} from "../compiler/index.js";
import type { Feature } from "./context.js";
import { isInside, offsetOf, spanToLspRange } from "./convert.js";
import { calleeEntry, entryFor, entryMarkdown, fence, markdown, valuesForSetting } from "./docs.js";
import { formatValues, sweepHover, sweptHover } from "./hover-sweep.js";
import type { DocumentAnalysis, LexToken } from "./language.js";
import { letDeclOf, usageAt } from "./names.js";

export const hover: Feature = {
  capabilities: { hoverProvider: true },
  register: ({ connection, requests }) =>
    connection.onHover(
      requests.analysis(
        "hover",
        (): Hover | null => null,
        (analysis, params: HoverParams) => {
          if (!isInside(analysis.document, params.position)) return null;
          return hoverAt(analysis, offsetOf(analysis.document, params.position));
        },
      ),
    ),
};

export function hoverAt(analysis: DocumentAnalysis, offset: number): Hover | null {
  const token = tokenAt(analysis.tokens, offset);
  if (!token || token.isComment) return null;
  const path = nodeAt(analysis.ast, token.startOffset);
  const value = hoverText(analysis, token, path);
  if (!value) return null;
  return { contents: markdown(value), range: spanToLspRange(analysis.document, token.startOffset, token.endOffset) };
}

/** The token under the cursor; at a boundary, the word on the left (the cursor just after a name). */
function tokenAt(tokens: readonly LexToken[], offset: number): LexToken | undefined {
  const within = tokens.filter((t) => t.startOffset <= offset && offset <= t.endOffset);
  return within.find((t) => t.isIdentifier || t.isKeyword || t.isNumber) ?? within[0];
}

function hoverText(analysis: DocumentAnalysis, token: LexToken, path: Node[]): string | null {
  const node = path[path.length - 1];
  const parent = path[path.length - 2];
  if (token.isKeyword) return keywordHover(analysis, token, path);
  if (node.kind === "Name" && parent?.kind === "Call" && parent.callee === node)
    return callHover(analysis, parent, path);
  if (node.kind === "Name" && parent?.kind === "Arg") return argNameHover(analysis, parent, path);
  if (node.kind === "Name" && parent?.kind === "Sweep") return sweepHover(analysis, parent);
  if (node.kind === "Name" && parent?.kind === "Swept") return sweptHover(analysis, parent, path);
  if (node.kind === "Name" && parent?.kind === "Let") return letHover(analysis, node.range.start.offset);
  if (node.kind === "Name" && parent?.kind === "Setting") return settingHover(parent.key.text);
  if (node.kind === "Ref") return refHover(analysis, node.name, token, path);
  if (token.isNumber) return numberHover(analysis, token, path);
  return null;
}

function keywordHover(analysis: DocumentAnalysis, token: LexToken, path: Node[]): string | null {
  if (token.image === "sweep") {
    const sweep = path.find((n) => n.kind === "Sweep");
    if (sweep?.kind === "Sweep") return sweepHover(analysis, sweep);
  }
  if (token.image === "in") {
    const swept = [...path].reverse().find((n) => n.kind === "Swept");
    if (swept?.kind === "Swept") return sweptHover(analysis, swept, path);
  }
  const setting = settingHover(token.image);
  if (setting) return setting;
  const keyword = catalog.keywords.find((k) => k.name === token.image);
  return keyword ? entryMarkdown(keyword) : null;
}

function settingHover(name: string): string | null {
  const setting = SETTINGS_BY_NAME.get(name);
  if (!setting) return null;
  const values = valuesForSetting(name).map((v) => `\`${v.name}\``);
  const extra = values.length > 0 ? `\n\nValues: ${values.join(", ")}` : "";
  const sweepable = setting.sweepable ? "" : "\n\nNot sweepable (one value per sweep).";
  return `${entryMarkdown(setting)}${extra}${sweepable}`;
}

/** The setting a node sits in (its value type decides which meaning a name has). */
function settingOf(path: Node[]): string | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const n = path[i];
    if (n.kind === "Setting") return n.key.text;
    if (n.kind === "Sweep") return "model";
  }
  return null;
}

/** A call, with every parameter spelled out: the value given, or the default it takes. */
function callHover(analysis: DocumentAnalysis, call: Call, path: Node[]): string | null {
  const setting = settingOf(path);
  const entry = meaningOf(call.callee.text, setting) ?? calleeEntry(call.callee.text);
  if (!entry) return null;
  const bound = bindArgs(analysis, entry, call.args);
  const lines = entry.params.map((param) => {
    const given = bound.get(param.name);
    if (given !== undefined) return `- \`${param.name}\` = \`${given}\` — ${param.doc}${valueDoc(given)}`;
    if (param.default !== undefined) {
      const spelled = substitute(param.default, bound);
      const shown = spelled === param.default ? `\`${param.default}\`` : `\`${param.default}\` = \`${spelled}\``;
      return `- \`${param.name}\` = ${shown} *(default)* — ${param.doc}${valueDoc(param.default)}`;
    }
    return `- \`${param.name}\` — ${param.doc} *(missing)*`;
  });
  const written = analysis.sourceOf(call.range);
  return [fence(written), `**${entry.name}** — ${entry.doc}`, lines.join("\n"), `Signature: \`${entry.signature}\``]
    .filter((part) => part.length > 0)
    .join("\n\n");
}

/** Each parameter's argument text, bound as the compiler binds them (bindCall); a variadic one's joined by commas. */
function bindArgs(analysis: DocumentAnalysis, entry: CatalogEntry, args: readonly Arg[]): Map<string, string> {
  const bound = new Map<string, string>();
  for (const [name, given] of bindCall(args, entry.params).args) {
    bound.set(name, given.map((arg) => argumentText(analysis, arg)).join(", "));
  }
  return bound;
}

/** A swept argument shows its values: `n ∈ {1, 2, 4, 8}`. */
function argumentText(analysis: DocumentAnalysis, arg: Arg): string {
  const expansion = ["Swept", "List", "Alternatives", "Range", "Geometric"].includes(arg.value.kind)
    ? expandValue(analysis, arg.value)
    : null;
  if (!expansion) return analysis.sourceOf(arg.value.range);
  const name = expansion.param ?? analysis.sourceOf(arg.value.range);
  return `${name} ∈ {${formatValues(expansion.values, false, 8)}}`;
}

/** `eps/n` with eps = 0.1 given → `0.1/n`: a default that depends on other parameters, made concrete. */
function substitute(expression: string, bound: Map<string, string>): string {
  return expression.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (word) => {
    const value = bound.get(word);
    if (value === undefined) return word;
    if (/^[\w.%]+$/.test(value)) return value;
    return /^\w+ ∈/.test(value) ? value.split(" ")[0] : word;
  });
}

/** When a value is a catalog name (`predicted`), what it means. */
function valueDoc(value: string): string {
  const entry = entryFor(value, ["option", "norm"]);
  return entry && /^[A-Za-z]/.test(value) ? `. \`${value}\`: ${entry.doc}` : "";
}

function meaningOf(name: string, setting: string | null): CatalogEntry | undefined {
  const preferred = valuesForSetting(setting).find((e) => e.name === name);
  return preferred ?? entryFor(name, ["model", "adversary", "strategy", "dataset", "augmentation", "norm", "option"]);
}

function argNameHover(analysis: DocumentAnalysis, arg: Arg, path: Node[]): string | null {
  const call = path.find((n): n is Call => n.kind === "Call" && n.args.includes(arg));
  if (!call || !arg.name) return null;
  const entry = calleeEntry(call.callee.text);
  const param = entry?.params.find((p) => p.name === arg.name?.text);
  if (!entry || !param) return null;
  const def = param.default === undefined ? "" : `\n\nDefault: \`${param.default}\``;
  return `${fence(`${entry.name}(… ${param.name}=${analysis.sourceOf(arg.value.range)} …)`)}\n\n\`${param.name}\` — ${param.doc}${def}`;
}

function refHover(analysis: DocumentAnalysis, name: string, token: LexToken, path: Node[]): string | null {
  const definition = usageAt(analysis, token.startOffset)?.definition;
  if (definition?.kind === "let") return letHover(analysis, token.startOffset);
  const entry = meaningOf(name, settingOf(path)) ?? lookup(name)[0];
  return entry ? entryMarkdown(entry) : null;
}

function letHover(analysis: DocumentAnalysis, offset: number): string | null {
  const usage = usageAt(analysis, offset);
  if (usage?.definition.kind !== "let") return null;
  const decl = letDeclOf(analysis, usage.definition);
  const source = decl ? analysis.sourceOf(decl.range) : `let ${usage.definition.name}`;
  const uses = usage.references.length;
  return `${fence(source)}\n\nA name defined with \`let\`; each use stands for this value (used ${uses} time${uses === 1 ? "" : "s"}).`;
}

function numberHover(analysis: DocumentAnalysis, token: LexToken, path: Node[]): string | null {
  const swept = path.find((n): n is Expr => ["Swept", "Geometric", "Range", "List", "Alternatives"].includes(n.kind));
  const expansion = swept ? sweptHover(analysis, swept, path) : null;
  if (expansion) return expansion;
  const unit = catalog.units.find((u) => token.image.endsWith(u.name) && /\d/.test(token.image));
  return unit ? `\`${token.image}\` — ${unit.doc}` : null;
}
