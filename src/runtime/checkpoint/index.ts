export * from "./checkpoint.js";
export * from "./format.js";
export * from "./train-state.js";
