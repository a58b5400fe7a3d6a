import type { Database } from 'better-sqlite3';
import { QuestionLogError } from './errors.js';

/**
 * The schema's history, oldest first. The database's `user_version` says how
 * many of these it has had; start-up runs the rest, each in a transaction of
 * its own. Never edit a migration that has shipped: add the next one.
 */
export interface Migration {
  version: number;
  /** What it changes, for the log. */
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the question log: questions and the paragraphs each answer quoted',
    sql: `
      CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        answer_id TEXT NOT NULL UNIQUE,
        asked_at INTEGER NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('slash', 'dm', 'mention', 'context-menu')),
        guild_id TEXT,
        asker TEXT,
        language TEXT NOT NULL,
        question TEXT,
        answered INTEGER NOT NULL CHECK (answered IN (0, 1)),
        latency_ms INTEGER NOT NULL
      );
      CREATE INDEX questions_by_time ON questions (asked_at);
      CREATE TABLE quoted_passages (
        question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        passage_id TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (question_id, rank)
      );
      CREATE INDEX quoted_passages_by_passage ON quoted_passages (passage_id);
    `,
  },
  {
    version: 2,
    description: 'feedback votes: one per asker and answer',
    sql: `
      CREATE TABLE votes (
        answer_id TEXT NOT NULL,
        asker TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value IN (1, -1)),
        voted_at INTEGER NOT NULL,
        PRIMARY KEY (answer_id, asker)
      );
      CREATE INDEX votes_by_time ON votes (voted_at);
    `,
  },
  {
    version: 3,
    description: 'answers in three outcomes (answered, partial, declined) and the words a partial answer found missing',
    sql: `
      ALTER TABLE questions ADD COLUMN outcome TEXT CHECK (outcome IN ('answered', 'partial', 'declined'));
      UPDATE questions SET outcome = CASE answered WHEN 1 THEN 'answered' ELSE 'declined' END;
      CREATE TABLE missing_words (
        question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        word TEXT NOT NULL,
        PRIMARY KEY (question_id, word)
      );
      CREATE INDEX missing_words_by_word ON missing_words (word);
    `,
  },
  {
    version: 4,
    description: 'where each question was asked, through whose installation of the app',
    // Rows from before stay NULL: where they were asked was not recorded.
    sql: `
      ALTER TABLE questions ADD COLUMN installation TEXT
        CHECK (installation IN ('server', 'user-in-server', 'bot-dm', 'private-channel'));
    `,
  },
];

/** The schema this code knows. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export class SchemaTooNewError extends QuestionLogError {
  constructor(
    readonly file: string,
    readonly found: number,
  ) {
    super(
      `The question log ${file} has schema version ${found}, but this version of the bot knows only up to ` +
        `${SCHEMA_VERSION}: it was written by a newer version. Run that version, or move the file aside to start a new log.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to {@link SCHEMA_VERSION} (or `upTo`, for tests of
 * older schemas). Returns the migrations applied. A database from a newer
 * version stops here: this code cannot know what its tables mean.
 */
export function migrate(db: Database, upTo = SCHEMA_VERSION): Migration[] {
  const found = schemaVersion(db);
  if (found > SCHEMA_VERSION) throw new SchemaTooNewError(db.name, found);
  const pending = MIGRATIONS.filter((migration) => migration.version > found && migration.version <= upTo);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return pending;
}
