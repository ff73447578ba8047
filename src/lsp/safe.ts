/**
 * Every handler runs through `guard` so that no input — any document, any edit
 * sequence, any position — can crash the server or leave a request unanswered:
 * a throwing handler logs the error once and answers with its neutral fallback.
 */
export type Logger = (message: string) => void;

export function guard<P extends unknown[], R>(
  name: string,
  fallback: () => R,
  log: Logger,
  handler: (...params: P) => R | Promise<R>,
): (...params: P) => Promise<R> {
  return async (...params: P) => {
    try {
      return await handler(...params);
    } catch (error) {
      log(`lthc lsp: ${name} failed: ${describe(error)}`);
      return fallback();
    }
  };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
