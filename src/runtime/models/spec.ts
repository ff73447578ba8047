/**
 * A model's parameters as plain data (names, shapes, roles, init), computed
 * without allocating tensors: parameter counts of large models (WRN-20-8) and
 * shape checks of masks and checkpoints need no memory.
 */

export type InitKind = "kaiming" | "zeros" | "ones";

export interface ParamSpec {
  name: string;
  shape: number[];
  prunable: boolean;
  init: InitKind;
  /** Fan-in for Kaiming-normal init (std = √(2 / fanIn)). */
  fanIn?: number;
}

export interface ModelSpec {
  description: string;
  inputShape: [number, number, number];
  numClasses: number;
  params: ParamSpec[];
  /** BN running statistics: "<bn>.mean" (init 0) and "<bn>.variance" (init 1). */
  state: ParamSpec[];
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Collects parameter specs in the fixed order the model declares them. */
export class SpecBuilder {
  readonly params: ParamSpec[] = [];
  readonly state: ParamSpec[] = [];

  conv(name: string, k: number, cin: number, cout: number, bias: boolean): void {
    this.params.push({
      name: `${name}.kernel`,
      shape: [k, k, cin, cout],
      prunable: true,
      init: "kaiming",
      fanIn: k * k * cin,
    });
    if (bias) this.params.push({ name: `${name}.bias`, shape: [cout], prunable: false, init: "zeros" });
  }

  dense(name: string, units: number, out: number): void {
    this.params.push({ name: `${name}.kernel`, shape: [units, out], prunable: true, init: "kaiming", fanIn: units });
    this.params.push({ name: `${name}.bias`, shape: [out], prunable: false, init: "zeros" });
  }

  bn(name: string, channels: number): void {
    this.params.push({ name: `${name}.gamma`, shape: [channels], prunable: false, init: "ones" });
    this.params.push({ name: `${name}.beta`, shape: [channels], prunable: false, init: "zeros" });
    this.state.push({ name: `${name}.mean`, shape: [channels], prunable: false, init: "zeros" });
    this.state.push({ name: `${name}.variance`, shape: [channels], prunable: false, init: "ones" });
  }
}

export interface ParamCounts {
  /** Trainable parameters (weights, biases, BN γ and β). */
  total: number;
  /** Conv and dense kernels: what pruning densities are fractions of. */
  prunable: number;
  /** BN running statistics (not trainable, not counted in total). */
  state: number;
}

export function countSpec(spec: Pick<ModelSpec, "params" | "state">): ParamCounts {
  const sum = (list: ParamSpec[]) => list.reduce((a, p) => a + sizeOf(p.shape), 0);
  return {
    total: sum(spec.params),
    prunable: sum(spec.params.filter((p) => p.prunable)),
    state: sum(spec.state),
  };
}
