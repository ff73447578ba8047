/**
 * Diagnostics off the request thread: documents are checked in a worker thread
 * (check-worker.ts), in the order asked. Where no worker can run (it failed to start or
 * crashed), documents are checked on this thread instead: slower answers, never missing ones.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { analyze, type Diagnostic } from "../compiler/index.js";
import type { Logger } from "./safe.js";

export interface CheckRequest {
  id: number;
  uri: string;
  text: string;
}

export interface CheckReply {
  id: number;
  diagnostics: Diagnostic[];
}

type Waiting = { resolve: (diagnostics: Diagnostic[]) => void; request: CheckRequest };

export class BackgroundChecker {
  private worker: Worker | null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly log: Logger) {
    this.worker = this.start();
  }

  /** The compiler's diagnostics for `text`, exactly as `lthc check` reports them. */
  check(uri: string, text: string): Promise<Diagnostic[]> {
    const request: CheckRequest = { id: this.nextId++, uri, text };
    if (!this.worker) return Promise.resolve(analyze(text, uri).diagnostics);
    return new Promise((resolve) => {
      this.waiting.set(request.id, { resolve, request });
      this.worker?.postMessage(request);
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = null;
  }

  private start(): Worker | null {
    const entry = new URL("./check-worker.js", import.meta.url);
    // Run from the TypeScript sources (tests), there is no compiled worker to start.
    if (entry.protocol !== "file:" || !existsSync(fileURLToPath(entry))) return null;
    try {
      const worker = new Worker(entry);
      worker.unref();
      worker.on("message", (reply: CheckReply) => this.answer(reply));
      worker.on("error", (error) => this.fail(`lthc lsp: the checking thread failed: ${error.message}`));
      worker.on(
        "exit",
        (code) => this.worker === worker && this.fail(`lthc lsp: the checking thread exited (${code})`),
      );
      return worker;
    } catch (error) {
      this.log(`lthc lsp: no checking thread (${error instanceof Error ? error.message : String(error)})`);
      return null;
    }
  }

  private answer(reply: CheckReply): void {
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    waiting?.resolve(reply.diagnostics);
  }

  /** From now on, check on this thread; what the worker still owed is checked here. */
  private fail(message: string): void {
    this.log(`${message}; checking on the main thread from now on`);
    this.worker = null;
    for (const [id, { resolve, request }] of this.waiting) {
      this.waiting.delete(id);
      resolve(analyze(request.text, request.uri).diagnostics);
    }
  }
}
