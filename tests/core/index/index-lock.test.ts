import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexLock, LOCK_FILE } from '../../../src/core/index/index-lock.js';
import { removeTempDirs, tempDir } from '../../support/fixtures.js';

afterAll(removeTempDirs);

/** The id of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

async function lockNaming(pid: number, host = os.hostname()): Promise<string> {
  const indexDir = await tempDir('index-');
  await writeFile(
    path.join(indexDir, LOCK_FILE),
    JSON.stringify({ pid, host, since: '2026-01-01T00:00:00.000Z', command: 'main.js', token: 'theirs' }),
  );
  return indexDir;
}

describe('given an index directory nobody holds', () => {
  it('then the lock is taken, names this process, and is gone once released', async () => {
    const indexDir = await tempDir('index-');
    const lock = await IndexLock.acquire(indexDir);
    expect(lock).toBeInstanceOf(IndexLock);
    const owner = JSON.parse(await readFile(path.join(indexDir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    expect(owner).toMatchObject({ pid: process.pid, host: os.hostname() });
    await (lock as IndexLock).release();
    await expect(readFile(path.join(indexDir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });
});

describe('given an index directory held by another live process', () => {
  it('then the lock is not taken, and the holder is named', async () => {
    const indexDir = await lockNaming(process.ppid);
    const result = await IndexLock.acquire(indexDir);
    expect(result).toMatchObject({ heldBy: { pid: process.ppid, command: 'main.js' } });
  });

  it('then one on another host is not taken either, as its process cannot be checked from here', async () => {
    const result = await IndexLock.acquire(await lockNaming(await deadPid(), 'elsewhere'));
    expect(result).toMatchObject({ heldBy: { host: 'elsewhere' } });
  });
});

describe('given a stale lock', () => {
  it.each([
    ['a process that has exited', deadPid],
    ['this very process id (a previous life under the same pid)', async () => process.pid],
  ])('then one naming %s is taken over, and a release leaves the new holder’s lock alone', async (_, pid) => {
    const indexDir = await lockNaming(await pid());
    const lock = await IndexLock.acquire(indexDir);
    expect(lock).toBeInstanceOf(IndexLock);
    expect(await (lock as IndexLock).isHeld()).toBe(true);
    // Taken over in turn (as stale): releasing must not delete the new holder's file.
    const next = await IndexLock.acquire(indexDir);
    expect(await (lock as IndexLock).isHeld()).toBe(false);
    await (lock as IndexLock).release();
    expect(await (next as IndexLock).isHeld()).toBe(true);
  });
});
