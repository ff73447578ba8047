export * from "./augment.js";
export * from "./batches.js";
export * from "./cifar10.js";
export * from "./idx.js";
export * from "./load.js";
export * from "./locate.js";
export * from "./synthetic.js";
export * from "./types.js";
