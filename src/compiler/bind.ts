/**
 * Argument binding: which parameter of a construct each argument of a call such as
 * `convnet(32, 64, hidden=256)` fills. One function, used by the checker (values.ts),
 * hover and completion, so that they can never disagree about what a call means.
 * Parameters come from the catalog's declarations (catalog.ts).
 */
import type * as A from "./ast.js";
import type { ParamDoc } from "./catalog.js";

/**
 * Something wrong with how a call's arguments fit the parameters, in source order.
 * `syntax`: an argument the parser could not read (already reported by the parser).
 */
export type BindProblem =
  | { kind: "unknown"; arg: A.Arg; name: A.Name }
  | { kind: "duplicate"; arg: A.Arg; param: string }
  | { kind: "tooMany"; arg: A.Arg }
  | { kind: "syntax"; arg: A.Arg }
  | { kind: "missing"; params: readonly ParamDoc[] };

export interface Binding {
  /** Each parameter's arguments in source order: one, except for a variadic parameter or a duplicate. */
  args: Map<string, A.Arg[]>;
  /**
   * Problems in source order. Binding goes on past each (for hover and completion); a
   * checker stops at the first `syntax` or `tooMany`, as every later problem is noise.
   */
  problems: BindProblem[];
}

/** A parameter without a default must be given. */
export function isRequired(param: ParamDoc): boolean {
  return param.default === undefined;
}

/**
 * The parameter the `index`-th positional argument fills: in order, a variadic parameter
 * taking every positional argument from its position on. Undefined past the last one.
 */
export function positionalParam(params: readonly ParamDoc[], index: number): ParamDoc | undefined {
  const variadic = params.findIndex((p) => p.variadic);
  if (variadic !== -1 && index >= variadic) return params[variadic];
  return params[index];
}

/**
 * Positional arguments fill parameters in order (a variadic one takes the rest of them),
 * named ones fill their parameter; a parameter without a default that gets nothing is missing.
 */
export function bindCall(args: readonly A.Arg[], params: readonly ParamDoc[]): Binding {
  const bound = new Map<string, A.Arg[]>();
  const problems: BindProblem[] = [];
  let position = 0;
  let stopped = false;
  for (const arg of args) {
    if (arg.value.kind === "Error") {
      problems.push({ kind: "syntax", arg });
      stopped = true;
      continue;
    }
    if (arg.name) {
      const param = params.find((p) => p.name === arg.name?.text);
      if (!param) problems.push({ kind: "unknown", arg, name: arg.name });
      else if (bound.has(param.name)) problems.push({ kind: "duplicate", arg, param: param.name });
      else bound.set(param.name, [arg]);
      continue;
    }
    const param = positionalParam(params, position);
    if (!param) {
      problems.push({ kind: "tooMany", arg });
      stopped = true;
      continue;
    }
    position++;
    const list = bound.get(param.name);
    if (list && !param.variadic) problems.push({ kind: "duplicate", arg, param: param.name });
    if (list) list.push(arg);
    else bound.set(param.name, [arg]);
  }
  const missing = params.filter((p) => isRequired(p) && !bound.has(p.name));
  if (!stopped && missing.length > 0) problems.push({ kind: "missing", params: missing });
  return { args: bound, problems };
}

/** How a construct is written in messages: `convnet(channels…, hidden=…)`. */
export function signatureOf(fn: string, params: readonly ParamDoc[]): string {
  return `${fn}(${params.map((p) => (p.variadic ? `${p.name}…` : isRequired(p) ? p.name : `${p.name}=…`)).join(", ")})`;
}
