import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * One writer per index directory. Whoever builds or rebuilds the index (or
 * appends to the embedding cache inside it) holds `<INDEX_DIR>/LOCK`, a file
 * naming its process id, host and start time, from when it opens the index
 * until it closes it. Another process may still read the index that is
 * current, but never writes: it would delete the holder's half-written build
 * as a leftover, or race it on `CURRENT` and the cache.
 *
 * A lock is stale, and taken over, when its process is gone (on this host),
 * or when it names this very process id: a previous life of it (a container
 * restarts its program under the same pid) or a second opening in this one.
 */

export const LOCK_FILE = 'LOCK';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
  command: string;
  token: string;
}

/** The index directory is held by another live process: it may be read, not written. */
export class IndexLockedError extends Error {
  constructor(
    readonly indexDir: string,
    readonly owner: Pick<LockOwner, 'pid' | 'host' | 'since' | 'command'>,
    what: string,
  ) {
    super(
      `Cannot ${what}: the index in ${indexDir} is held by another process (pid ${owner.pid} on ${owner.host}, ` +
        `${owner.command}, since ${owner.since}). Only one process may write it. If that is the running bot, ` +
        `rebuild from Discord with /reindex; otherwise wait for it to finish or stop it. If no such process runs, ` +
        `delete ${path.join(indexDir, LOCK_FILE)}.`,
    );
    this.name = 'IndexLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return false; // another host's process cannot be checked from here
  return owner.pid === process.pid || !isAlive(owner.pid);
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

export class IndexLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly token: string,
  ) {}

  /**
   * Takes the lock of an index directory, taking over a stale one; returns
   * the live owner instead when another process holds it.
   */
  static async acquire(indexDir: string): Promise<IndexLock | { heldBy: LockOwner }> {
    await mkdir(indexDir, { recursive: true });
    const file = path.join(indexDir, LOCK_FILE);
    const owner: LockOwner = {
      pid: process.pid,
      host: os.hostname(),
      since: new Date().toISOString(),
      command: path.basename(process.argv[1] ?? 'node'),
      token: randomBytes(8).toString('hex'),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o644);
        try {
          await handle.writeFile(JSON.stringify(owner));
          await handle.sync();
        } finally {
          await handle.close();
        }
        return new IndexLock(file, owner.token);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = await readOwner(file);
      // A lock being written this instant reads as nothing yet: give it a moment.
      if (!current) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const again = await readOwner(file);
        if (again) continue;
      } else if (!isStale(current)) return { heldBy: current };
      // Stale or unreadable: moved aside (only one of two racing takers can move it), then taken afresh.
      const aside = `${file}.stale-${owner.token}`;
      await rename(file, aside).catch(() => undefined);
      await rm(aside, { force: true });
    }
    const current = await readOwner(file);
    if (current) return { heldBy: current };
    throw new Error(`could not take the lock ${file}`);
  }

  /** Whether the lock file is still this holder's (nobody took it over as stale). */
  async isHeld(): Promise<boolean> {
    return !this.released && (await readOwner(this.file))?.token === this.token;
  }

  /** Gives the lock up (only if it is still this holder's). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if ((await readOwner(this.file))?.token === this.token) await rm(this.file, { force: true });
  }
}
