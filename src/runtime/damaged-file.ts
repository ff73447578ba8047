import { UserError } from "../core/user-error.js";

/**
 * A file a job had to read exists but cannot be used (a torn or truncated
 * checkpoint, a mask with a bad checksum, a file that is not what its name says).
 * It carries the file's path so that the runner can report it as data
 * (JobOutcome.damaged) and the executor can set the file aside and redo the job
 * that owns it, without reading paths back out of a message.
 */
export class DamagedFile extends UserError {
  constructor(
    message: string,
    /** The damaged file, absolute. */
    readonly path: string,
    hint?: string,
  ) {
    super(message, hint);
    this.name = "DamagedFile";
  }
}
