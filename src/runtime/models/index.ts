export * from "./architectures.js";
export * from "./build.js";
export type * from "./model.js";
export { BN_EPSILON, Network } from "./network.js";
export * from "./spec.js";
