import type pg from 'pg';
import { QuestionLogError } from '../errors.js';
import type { Migration } from '../migrations.js';
import { checkOut } from './connection.js';

/**
 * PostgreSQL's schema history, oldest first: its own, beside SQLite's
 * (../migrations.ts). The tables mirror SQLite's column for column, so a
 * column added to one is added to the other in the same words. The rows of
 * `schema_migrations` say which have run. Never edit one that has shipped.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the question log, votes, the key that hashes user ids and the shared rate limits',
    sql: `
      CREATE TABLE questions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        answer_id TEXT NOT NULL UNIQUE,
        asked_at BIGINT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('slash', 'dm', 'mention', 'context-menu')),
        guild_id TEXT,
        asker TEXT,
        language TEXT NOT NULL,
        question TEXT,
        answered SMALLINT NOT NULL CHECK (answered IN (0, 1)),
        latency_ms INTEGER NOT NULL
      );
      CREATE INDEX questions_by_time ON questions (asked_at);
      CREATE TABLE quoted_passages (
        question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        passage_id TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (question_id, rank)
      );
      CREATE INDEX quoted_passages_by_passage ON quoted_passages (passage_id);
      CREATE TABLE votes (
        answer_id TEXT NOT NULL,
        asker TEXT NOT NULL,
        value SMALLINT NOT NULL CHECK (value IN (1, -1)),
        voted_at BIGINT NOT NULL,
        PRIMARY KEY (answer_id, asker)
      );
      CREATE INDEX votes_by_time ON votes (voted_at);
      -- One row: the key every process hashes user ids with (SQLite keeps it in a file beside the database).
      CREATE TABLE asker_key (
        id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
        key BYTEA NOT NULL CHECK (length(key) = 32)
      );
      -- The questions each asker (hashed) was admitted in the rate limit's window, and who was refused since.
      CREATE TABLE rate_limit_hits (
        asker TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX rate_limit_hits_by_asker ON rate_limit_hits (asker, at);
      CREATE TABLE rate_limit_refusals (
        asker TEXT PRIMARY KEY
      );
    `,
  },
  {
    version: 2,
    description:
      "answers in three outcomes and the words partial answers found missing (SQLite's 3), and where each question was asked (SQLite's 4)",
    sql: `
      ALTER TABLE questions ADD COLUMN outcome TEXT CHECK (outcome IN ('answered', 'partial', 'declined'));
      UPDATE questions SET outcome = CASE answered WHEN 1 THEN 'answered' ELSE 'declined' END;
      CREATE TABLE missing_words (
        question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        word TEXT NOT NULL,
        PRIMARY KEY (question_id, word)
      );
      CREATE INDEX missing_words_by_word ON missing_words (word);
      ALTER TABLE questions ADD COLUMN installation TEXT
        CHECK (installation IN ('server', 'user-in-server', 'bot-dm', 'private-channel'));
    `,
  },
  {
    version: 3,
    description: 'the corpus every process answers from, versioned, and the embedding cache they share',
    sql: `
      -- Every change of the shared corpus is a version; the latest is the corpus every process should serve.
      CREATE TABLE corpus_versions (
        version BIGINT PRIMARY KEY CHECK (version > 0),
        reason TEXT NOT NULL CHECK (reason IN ('seeded', 'added', 'replaced', 'removed', 'reindexed', 'undone')),
        document TEXT,
        made_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE TABLE corpus_documents (
        name TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        -- The version that last put it in.
        version BIGINT NOT NULL REFERENCES corpus_versions (version),
        CHECK (name <> '')
      );
      -- Names are unique in any letter case, as in the corpus editor.
      CREATE UNIQUE INDEX corpus_documents_by_lower_name ON corpus_documents (lower(name));
      -- A vector space: the model and how it is asked (src/core/embedding/vector-cache.ts).
      CREATE TABLE embedding_spaces (
        space TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        dimensions INTEGER NOT NULL CHECK (dimensions > 0)
      );
      -- Passage vectors by space and SHA-256 of the text embedded: float32, little-endian.
      CREATE TABLE embedding_cache (
        space TEXT NOT NULL REFERENCES embedding_spaces (space) ON DELETE CASCADE,
        key BYTEA NOT NULL CHECK (length(key) = 32),
        vector BYTEA NOT NULL,
        PRIMARY KEY (space, key)
      );
    `,
  },
];

/** The schema this code knows. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)!.version;

/** Held while the schema is migrated: two processes starting together migrate one after the other. */
const MIGRATION_LOCK = 0x61727469; // "arti"

export class PostgresSchemaTooNewError extends QuestionLogError {
  constructor(
    readonly database: string,
    readonly found: number,
  ) {
    super(
      `The question log in ${database} has schema version ${found}, but this version of the bot knows only up to ` +
        `${POSTGRES_SCHEMA_VERSION}: it was written by a newer version. Run that version, or set DATABASE_URL to another database.`,
    );
    this.name = 'PostgresSchemaTooNewError';
  }
}

export async function postgresSchemaVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>(
    `SELECT MAX(version) AS version FROM schema_migrations`,
  );
  return rows[0]?.version ?? 0;
}

/**
 * Brings the database up to {@link POSTGRES_SCHEMA_VERSION} (or `upTo`, for
 * tests of older schemas) under an advisory lock, each migration in a
 * transaction of its own. Returns the migrations applied. A database from a
 * newer version stops here.
 */
export async function migratePostgres(
  pool: pg.Pool,
  shownUrl: string,
  upTo = POSTGRES_SCHEMA_VERSION,
): Promise<Migration[]> {
  const client = await checkOut(pool);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY,
           description TEXT NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )`,
      );
      const found = await postgresSchemaVersion(client);
      if (found > POSTGRES_SCHEMA_VERSION) throw new PostgresSchemaTooNewError(shownUrl, found);
      const pending = POSTGRES_MIGRATIONS.filter((migration) => migration.version > found && migration.version <= upTo);
      for (const migration of pending) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [
            migration.version,
            migration.description,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
      return pending;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
