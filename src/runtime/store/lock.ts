/**
 * A per-job lock file, created atomically (a complete temp file hard-linked into place, which fails if it exists). It holds the owner's pid, host and
 * start time; a lock whose pid is dead on this host is stale and may be broken.
 * Breaking goes through a second such file so that two processes that both
 * find the same stale lock cannot each break the other's fresh one.
 */
import { randomBytes } from "node:crypto";
import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";

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

/** A lock on another host is assumed live: this host cannot see its processes. */
function isLive(owner: LockOwner | null): boolean {
  if (owner === null) return false;
  if (owner.host !== hostname()) return true;
  return pidAlive(owner.pid);
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export async function inspectLock(path: string): Promise<LockState> {
  const text = await readText(path);
  if (text === null) return { held: false };
  const owner = parseOwner(text);
  return {
    held: true,
    owner: owner ?? { pid: -1, host: "?", since: "?" },
    live: isLive(owner),
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
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
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
export async function tryLock(path: string): Promise<Lock | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(path, ownerText())) return heldLock(path);
    const text = await readText(path);
    if (text === null) continue;
    if (isLive(parseOwner(text))) return null;
    await breakStale(path, text);
  }
  return null;
}

function heldLock(path: string): Lock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      const owner = parseOwner((await readText(path)) ?? "");
      if (owner && owner.pid === process.pid && owner.host === hostname()) await unlinkQuietly(path);
    },
  };
}
