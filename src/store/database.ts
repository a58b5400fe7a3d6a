import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QuestionLogError } from './errors.js';
import { migrate, type Migration } from './migrations.js';

export type { Database } from 'better-sqlite3';

/** The database's file in DATA_DIR (SQLite adds `-wal` and `-shm` beside it). */
export const DATABASE_FILE = 'article-bot.sqlite';

/**
 * How long a write waits for another connection's lock before failing. Short
 * on purpose: writes run on the event loop, and the bot is the only writer
 * (`npm run stats` only reads, which never blocks a writer in WAL mode).
 */
const BUSY_TIMEOUT_MS = 100;

export interface OpenedDatabase {
  db: Database.Database;
  /** The migrations start-up applied (none when the schema was current). */
  migrated: Migration[];
}

/**
 * Opens (or creates) the database in `dataDir` and brings its schema up to
 * date. WAL mode: readers never block the writer, and a commit is one append
 * to the log. `synchronous = NORMAL`: a committed transaction survives the
 * process being killed at any moment; only a power cut may lose the last few.
 */
export function openDatabase(dataDir: string, options: { migrateUpTo?: number } = {}): OpenedDatabase {
  const file = path.join(dataDir, DATABASE_FILE);
  let db: Database.Database;
  try {
    mkdirSync(dataDir, { recursive: true });
    // Created readable by its owner only: SQLite gives its -wal and -shm files the database file's permissions.
    closeSync(openSync(file, 'a', 0o600));
    db = new Database(file);
  } catch (error) {
    throw new QuestionLogError(
      `The question log ${file} cannot be opened: ${(error as Error).message}. Check DATA_DIR.`,
      {
        cause: error,
      },
    );
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return { db, migrated: migrate(db, options.migrateUpTo) };
  } catch (error) {
    db.close();
    if (error instanceof QuestionLogError) throw error;
    throw new QuestionLogError(
      `The question log ${file} cannot be used: ${(error as Error).message}. Move it aside to start a new log.`,
      { cause: error },
    );
  }
}
