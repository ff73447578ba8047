import type { Feature } from "./context.js";

/** Every feature of the server, each in its own file. */
export const features: Feature[] = [];
