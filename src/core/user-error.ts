/**
 * An error the user can cause and fix (missing dataset, corrupt checkpoint, unknown
 * backend). The CLI prints it as one message with a hint and exits non-zero, never
 * with a stack trace. Anything else that is thrown is an internal bug.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    /** Exit status the CLI should use. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}
