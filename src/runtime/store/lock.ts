/**
 * A per-job lock file, created atomically (a complete temp file hard-linked into place, which fails if it exists). It holds the owner's pid, host and
 * start time; a lock whose pid is dead on this host is stale and may be broken.
 * A process on another host cannot be seen, so the holder touches the file (its
 * mtime) every LOCK_HEARTBEAT_MS: a lock from another host whose heartbeat stopped
 * LOCK_STALE_MS ago belongs to a dead worker (a crashed machine) and may be broken.
 * Breaking goes through a second such file so that two processes that both
 * find the same stale lock cannot each break the other's fresh one.
 */
import { randomBytes } from "node:crypto";
import { link, readFile, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";

/** How often a held lock's heartbeat (its mtime) is refreshed. */
export const LOCK_HEARTBEAT_MS = 30_000;
/** A lock from another host without a heartbeat for this long is stale: ten missed beats, and room for clock skew. */
export const LOCK_STALE_MS = 5 * 60_000;

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
}

export type LockState = { held: false } | { held: true; owner: LockOwner; live: boolean };

export interface Lock {
  readonly path: string;
  release(): Promise<void>;
}

/** Whether a process with this pid exists on this host. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === "number" && typeof value.host === "string" && typeof value.since === "string") {
      return { pid: value.pid, host: value.host, since: value.since };
    }
  } catch {
    // A lock torn by a crash between create and write reads as unowned.
  }
  return null;
}

/** On this host the owner's pid says; on another, the heartbeat (`beatAt`, the file's mtime in ms). */
function isLive(owner: LockOwner | null, beatAt: number): boolean {
  if (owner === null) return false;
  if (owner.host !== hostname()) return Date.now() - beatAt < LOCK_STALE_MS;
  return pidAlive(owner.pid);
}

/** The lock file's text and heartbeat, or null when there is none. */
async function readLock(path: string): Promise<{ text: string; beatAt: number } | null> {
  const text = await readText(path);
  const info = text === null ? null : await unlessMissing(stat(path));
  return text === null || info === null ? null : { text, beatAt: info.mtimeMs };
}

function readText(path: string): Promise<string | null> {
  return unlessMissing(readFile(path, "utf8"));
}

/** A file operation's result, or null when the file does not exist (any more). */
async function unlessMissing<T>(operation: Promise<T>): Promise<T | null> {
  try {
    return await operation;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export async function inspectLock(path: string): Promise<LockState> {
  const lock = await readLock(path);
  if (lock === null) return { held: false };
  const owner = parseOwner(lock.text);
  return {
    held: true,
    owner: owner ?? { pid: -1, host: "?", since: "?" },
    live: isLive(owner, lock.beatAt),
  };
}

/** Create `path` with `content` only if it does not exist; readers never see it empty (write a temp file, then link). */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, content, { flush: true });
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlinkQuietly(tmp);
  }
}

async function unlinkQuietly(path: string): Promise<void> {
  await unlessMissing(unlink(path));
}

function ownerText(): string {
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  return `${JSON.stringify(owner)}\n`;
}

/** Remove `path` if it still holds exactly the stale content we saw, serialised through `<path>.break`. */
async function breakStale(path: string, staleText: string): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await createExclusive(breaker, ownerText()))) {
    const state = await inspectLock(breaker);
    // A breaker that died mid-break would block everyone forever.
    if (state.held && !state.live) await unlinkQuietly(breaker);
    return;
  }
  try {
    if ((await readText(path)) === staleText) await unlinkQuietly(path);
  } finally {
    await unlinkQuietly(breaker);
  }
}

/** Take the lock, breaking it if its owner is dead; null when a live process holds it. */
export async function tryLock(path: string, heartbeatMs = LOCK_HEARTBEAT_MS): Promise<Lock | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(path, ownerText())) return heldLock(path, heartbeatMs);
    const lock = await readLock(path);
    if (lock === null) continue;
    if (isLive(parseOwner(lock.text), lock.beatAt)) return null;
    await breakStale(path, lock.text);
  }
  return null;
}

function heldLock(path: string, heartbeatMs: number): Lock {
  let released = false;
  const beat = setInterval(() => {
    const now = new Date();
    // A missed beat is harmless (the next one comes soon); a lock gone meanwhile is the release's business.
    utimes(path, now, now).catch(() => {});
  }, heartbeatMs);
  beat.unref();
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      const owner = parseOwner((await readText(path)) ?? "");
      if (owner && owner.pid === process.pid && owner.host === hostname()) await unlinkQuietly(path);
    },
  };
}
