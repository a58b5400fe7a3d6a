import type pg from 'pg';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { DatabaseUnavailableError, QuestionLogError, SharedCorpusError } from '../errors.js';
import type { Migration } from '../migrations.js';
import { checkOut, createPool, inTransaction, mayPass, withConnection } from './connection.js';
import { PostgresEmbeddingCache, type EmbeddingSpace } from './embedding-cache.js';
import { migratePostgres } from './migrations.js';
import { CORPUS_CHANNEL, VersionWatch } from './version-watch.js';

/** A document as stored: its file name and its text. */
export interface StoredDocument {
  name: string;
  text: string;
}

/** A change committed as one version (the reasons are those of `corpus_versions`). */
export interface StoredChange {
  reason: 'seeded' | 'added' | 'replaced' | 'removed' | 'reindexed' | 'undone';
  document?: string;
  put: readonly StoredDocument[];
  remove: readonly string[];
}

export interface PostgresCorpusStoreOptions {
  /** DATABASE_URL. */
  url: string;
  /** The URL with its password masked, for messages. */
  shownUrl: string;
  logger?: Logger;
  /** How often a follower reads the latest version anyway (default 10 s). */
  pollMs?: number;
  /** How long after losing its LISTEN connection a follower tries again, first (default 1 s). */
  relistenMs?: number;
}

/** Held while the shared corpus changes or any process rebuilds from it. */
const CORPUS_LOCK = 0x636f7270; // "corp"
const DEFAULT_POLL_MS = 10_000;
const DEFAULT_RELISTEN_MS = 1000;

/**
 * The corpus a deployment shares, in PostgreSQL (DATABASE_URL): its
 * documents, a version per change (announced with NOTIFY), the advisory lock
 * that makes the processes change it and rebuild from it one at a time, and
 * the embedding cache they share. It stands behind the core's DocumentStore
 * (src/core/shared-corpus.ts) without knowing it. A failure to reach the
 * database is a {@link DatabaseUnavailableError}: nothing was changed.
 */
export class PostgresCorpusStore {
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly watches = new Set<VersionWatch>();
  /** This process's turns at the lock, one after another, so that waiting holds one connection, not several. */
  private turns: Promise<unknown> = Promise.resolve();
  /** The migrations start() applied. */
  migrated: Migration[] = [];

  constructor(private readonly options: PostgresCorpusStoreOptions) {
    this.location = options.shownUrl;
    this.logger = options.logger ?? silentLogger;
    this.pool = createPool(options.url, this.logger);
  }

  /** Brings the schema up to date (under the migration lock): start-up stops here if the database cannot be used. */
  async start(): Promise<void> {
    try {
      this.migrated = await migratePostgres(this.pool, this.options.shownUrl);
    } catch (error) {
      await this.pool.end().catch(() => undefined);
      if (error instanceof QuestionLogError) throw error;
      throw new SharedCorpusError(
        `The shared corpus's database ${this.options.shownUrl} (DATABASE_URL) ` +
          (mayPass(error) ? 'cannot be reached' : 'cannot be used') +
          `: ${(error as Error).message}. Check DATABASE_URL and that PostgreSQL is running.`,
        { cause: error },
      );
    }
    for (const migration of this.migrated)
      this.logger.info({ version: migration.version, migration: migration.description }, 'migrated the database');
  }

  /** Runs work on the database, a failure to reach it told as a {@link DatabaseUnavailableError}. */
  private async reach<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (mayPass(error)) throw new DatabaseUnavailableError(this.options.shownUrl, { cause: error });
      throw error;
    }
  }

  /** The latest version: 0 before the corpus was seeded. */
  latestVersion(): Promise<number> {
    return this.reach(() => withConnection(this.pool, (client) => latestVersion(client)));
  }

  /** Every document and the version they make, read together. */
  read(): Promise<{ version: number; documents: StoredDocument[] }> {
    return this.reach(() =>
      inTransaction(this.pool, async (client) => {
        // One snapshot for both: the documents are those of the version read.
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const version = await latestVersion(client);
        const { rows } = await client.query<StoredDocument>('SELECT name, text FROM corpus_documents');
        return { version, documents: rows };
      }),
    );
  }

  async names(): Promise<string[]> {
    const { rows } = await this.reach(() =>
      withConnection(this.pool, (client) => client.query<{ name: string }>('SELECT name FROM corpus_documents')),
    );
    return rows.map((row) => row.name);
  }

  /**
   * Commits a change as the next version and announces it (NOTIFY is sent
   * on commit). Called under {@link exclusively}; the version's primary key
   * refuses a second commit of the same number all the same.
   */
  commit(change: StoredChange): Promise<number> {
    return this.reach(() =>
      inTransaction(this.pool, async (client) => {
        const version = (await latestVersion(client)) + 1;
        await client.query('INSERT INTO corpus_versions (version, reason, document) VALUES ($1, $2, $3)', [
          version,
          change.reason,
          change.document ?? null,
        ]);
        if (change.remove.length > 0)
          await client.query('DELETE FROM corpus_documents WHERE name = ANY($1::text[])', [[...change.remove]]);
        for (const { name, text } of change.put)
          await client.query(
            `INSERT INTO corpus_documents (name, text, version) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET text = EXCLUDED.text, version = EXCLUDED.version`,
            [name, text, version],
          );
        await client.query('SELECT pg_notify($1, $2)', [CORPUS_CHANNEL, String(version)]);
        return version;
      }),
    );
  }

  /**
   * Puts the first documents in, if the shared corpus has none yet: exactly
   * once however many processes start together (they take the lock in turn,
   * and the later ones find it done). Returns the version made, or undefined.
   */
  seedIfEmpty(documents: () => Promise<StoredDocument[]>): Promise<number | undefined> {
    return this.exclusively(async () => {
      if ((await this.latestVersion()) > 0) return undefined;
      return this.commit({ reason: 'seeded', put: await documents(), remove: [] });
    });
  }

  /**
   * Runs work holding the corpus's advisory lock (on a connection kept for
   * it): every process changes the corpus, and rebuilds from it, one at a
   * time. Should the connection die, PostgreSQL lets the lock go. Not
   * reentrant: work must not call it again.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.turns.then(
      () => this.holdingLock(work),
      () => this.holdingLock(work),
    );
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  private async holdingLock<T>(work: () => Promise<T>): Promise<T> {
    const client = await this.reach(() => checkOut(this.pool));
    try {
      await this.reach(() => client.query('SELECT pg_advisory_lock($1)', [CORPUS_LOCK]));
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    try {
      return await work();
    } finally {
      try {
        await client.query('SELECT pg_advisory_unlock($1)', [CORPUS_LOCK]);
        client.release();
      } catch (error) {
        // The connection is gone, and the lock with it.
        client.release(error as Error);
      }
    }
  }

  /** Tells `listener` of new versions (VersionWatch); returns a function that stops. */
  follow(listener: (version: number) => void): () => void {
    const watch = new VersionWatch(
      {
        url: this.options.url,
        logger: this.logger,
        latest: () => this.latestVersion(),
        pollMs: this.options.pollMs ?? DEFAULT_POLL_MS,
        relistenMs: this.options.relistenMs ?? DEFAULT_RELISTEN_MS,
      },
      listener,
    );
    this.watches.add(watch);
    return () => {
      watch.stop();
      this.watches.delete(watch);
    };
  }

  /** The shared embedding cache of a vector space. */
  embeddingCache(space: EmbeddingSpace): Promise<PostgresEmbeddingCache> {
    return PostgresEmbeddingCache.open(this.pool, space, (work) => this.reach(work));
  }

  async close(): Promise<void> {
    for (const watch of this.watches) watch.stop();
    this.watches.clear();
    await this.turns;
    await this.pool.end().catch(() => undefined);
  }
}

async function latestVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>(
    'SELECT MAX(version) AS version FROM corpus_versions',
  );
  return rows[0]?.version ?? 0;
}
