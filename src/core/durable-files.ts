import { open } from 'node:fs/promises';

/**
 * Writes that survive a crash or a power cut: the data is flushed to disk
 * before anything (a rename, a pointer) is made to depend on it.
 */

/** Writes a file and flushes it to disk. */
export async function writeDurably(file: string, data: Buffer | string, flag: 'w' | 'wx' = 'w'): Promise<void> {
  const handle = await open(file, flag);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a file already written to disk. */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries, so that a rename or a new file in it survives a crash. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
