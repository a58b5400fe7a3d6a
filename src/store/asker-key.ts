import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { QuestionLogError } from './errors.js';

/** The key's file in DATA_DIR: 32 random bytes, hex-encoded. */
export const ASKER_KEY_FILE = 'asker-key';

/**
 * The secret key that turns user ids into askers' hashes, made on first
 * start and kept beside the database. Without it a hash cannot be traced back
 * to a user id by trying every id (ids are not secret), and a new key makes
 * new hashes: old and new questions of one person no longer link up.
 */
export function loadOrCreateAskerKey(dataDir: string): Buffer {
  const file = path.join(dataDir, ASKER_KEY_FILE);
  try {
    return parseKey(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Written whole under a temporary name, then linked into place: a crash leaves no half key, and of two
  // processes starting at once the second finds the first one's key instead of replacing it.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const descriptor = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(descriptor, `${randomBytes(32).toString('hex')}\n`);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return parseKey(readFileSync(file, 'utf8'), file);
}

function parseKey(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new QuestionLogError(
      `The key file ${file} is damaged (expected 64 hex digits). Delete it to make a new key: ` +
        'askers hashed with the old key will then no longer match the new hashes.',
    );
  }
  return Buffer.from(hex, 'hex');
}

/** An asker as the log keeps them: a keyed hash of the user id (HMAC-SHA256, 128 bits in hex). */
export function hashAsker(key: Buffer, userId: string): string {
  return createHmac('sha256', key).update(userId).digest('hex').slice(0, 32);
}
