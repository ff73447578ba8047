/**
 * The worker thread that checks documents for diagnostics: checking and expanding a
 * large spec takes tens of milliseconds, which would otherwise hold up every hover and
 * completion that arrives meanwhile. The same `analyze` call as `lthc check`.
 */
import { parentPort } from "node:worker_threads";
import { analyze } from "../compiler/index.js";
import type { CheckReply, CheckRequest } from "./checker-thread.js";

parentPort?.on("message", (request: CheckRequest) => {
  const reply: CheckReply = { id: request.id, diagnostics: analyze(request.text, request.uri).diagnostics };
  parentPort?.postMessage(reply);
});
