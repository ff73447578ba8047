export * from "./checkpoint.js";
export * from "./format.js";
