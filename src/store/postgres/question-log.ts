import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { hashAsker } from '../asker-key.js';
import { QuestionLogError } from '../errors.js';
import type { Migration } from '../migrations.js';
import {
  DAY_MS,
  HOUR_MS,
  QUESTION_COLUMNS,
  questionRow,
  questionValues,
  type PrivacySettings,
  type QuestionRecord,
  type QuestionStore,
  type SharedRateLimits,
  type Vote,
  type VoteOutcome,
  type WriteCounts,
} from '../question-store.js';
import type { StatsReport } from '../stats.js';
import { createPool, inTransaction, isRowError, mayPass, withConnection } from './connection.js';
import { migratePostgres } from './migrations.js';
import { PostgresRateLimits } from './rate-limits.js';
import { readPostgresStats } from './stats.js';

export interface PostgresQuestionLogOptions extends PrivacySettings {
  /** DATABASE_URL. */
  url: string;
  /** The URL with its password masked, for messages. */
  shownUrl: string;
  logger?: Logger;
  /** The clock (tests move it). */
  now?: () => number;
  purgeIntervalMs?: number;
  /** Questions kept in memory while the database is unreachable; beyond, new ones are dropped (counted, logged). */
  bufferLimit?: number;
  /** How often writing is tried again while the database is unreachable. */
  retryMs?: number;
  /** For tests of older schemas. */
  migrateUpTo?: number;
}

const DEFAULT_BUFFER_LIMIT = 10_000;
const DEFAULT_RETRY_MS = 1000;
/** Questions per transaction when a backlog is written. */
const BATCH_SIZE = 500;

/**
 * The question log in PostgreSQL (DATABASE_URL), shared by every process of
 * a deployment: the {@link QuestionStore} of a bot that runs on several
 * processes. Questions wait in a bounded buffer and are written in batches,
 * each row in a savepoint of its own; while the database is unreachable the
 * buffer keeps them and writing is retried, and a batch is taken off the
 * buffer only once committed (a retried batch skips the answers already in).
 */
export class PostgresQuestionLog implements QuestionStore {
  readonly counts: WriteCounts = { written: 0, refused: 0, overflowed: 0, buffered: 0 };
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly pending: QuestionRecord[] = [];
  private key: Buffer | undefined;
  private flushTimer: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private unreachableSince: number | undefined;
  private overflowedThisOutage = 0;
  private closed = false;
  private limits: PostgresRateLimits | undefined;
  /** The migrations start() applied. */
  migrated: Migration[] = [];

  constructor(private readonly options: PostgresQuestionLogOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.pool = createPool(options.url, this.logger);
  }

  get keeps(): { questions: boolean; dmText: boolean; retentionDays: number } {
    return {
      questions: this.options.keepQuestions,
      dmText: this.options.keepQuestions && this.options.keepDmText,
      retentionDays: this.options.retentionDays,
    };
  }

  /** The rate limits every process shares; available once started. */
  get sharedRateLimits(): SharedRateLimits | undefined {
    return this.limits;
  }

  async start(): Promise<void> {
    try {
      this.migrated = await migratePostgres(this.pool, this.options.shownUrl, this.options.migrateUpTo);
      this.key = await this.loadOrCreateKey();
    } catch (error) {
      await this.pool.end().catch(() => undefined);
      if (error instanceof QuestionLogError) throw error;
      throw new QuestionLogError(
        `The question log's database ${this.options.shownUrl} (DATABASE_URL) ` +
          (mayPass(error) ? 'cannot be reached' : 'cannot be used') +
          `: ${(error as Error).message}. Check DATABASE_URL and that PostgreSQL is running.`,
        { cause: error },
      );
    }
    for (const migration of this.migrated)
      this.logger.info({ version: migration.version, migration: migration.description }, 'migrated the question log');
    this.limits = new PostgresRateLimits(this.pool, this.key);
    await this.purge();
    this.purgeTimer = setInterval(() => void this.purge(), this.options.purgeIntervalMs ?? HOUR_MS);
    this.purgeTimer.unref();
  }

  /** The first process to start makes the key; every other one reads it. */
  private async loadOrCreateKey(): Promise<Buffer> {
    const { rows } = await withConnection(this.pool, async (client) => {
      await client.query('INSERT INTO asker_key (key) VALUES ($1) ON CONFLICT DO NOTHING', [randomBytes(32)]);
      return client.query<{ key: Buffer }>('SELECT key FROM asker_key');
    });
    return rows[0]!.key;
  }

  recordQuestion(record: QuestionRecord): void {
    if (this.closed) {
      this.logger.warn({ answerId: record.answerId }, 'the question log is closed; a question was not recorded');
      return;
    }
    if (this.pending.length >= (this.options.bufferLimit ?? DEFAULT_BUFFER_LIMIT)) {
      this.counts.overflowed += 1;
      this.overflowedThisOutage += 1;
      if (this.overflowedThisOutage === 1)
        this.logger.error(
          { buffered: this.pending.length, answerId: record.answerId },
          'the question log buffer is full while the database is unreachable: new questions are not recorded',
        );
      return;
    }
    this.pending.push(record);
    this.counts.buffered = this.pending.length;
    if (this.unreachableSince === undefined) this.flushTimer ??= setImmediate(() => void this.flush());
  }

  /** Writes what is buffered, batch after batch, until it is empty or the database is unreachable. Never throws. */
  flush(): Promise<void> {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing ??= this.writeBuffered().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeBuffered(): Promise<void> {
    while (this.pending.length > 0 && this.key) {
      const batch = this.pending.slice(0, BATCH_SIZE);
      try {
        const { written, refused } = await inTransaction(this.pool, (client) => this.writeBatch(client, batch));
        this.pending.splice(0, batch.length);
        this.counts.written += written;
        this.counts.refused += refused;
        this.counts.buffered = this.pending.length;
        this.back();
      } catch (error) {
        if (mayPass(error)) {
          this.unreachable(error);
          return;
        }
        // Not the connection and not one row: the batch cannot be written as it is.
        this.pending.splice(0, batch.length);
        this.counts.buffered = this.pending.length;
        this.logger.error({ err: error, dropped: batch.length }, 'could not write to the question log');
      }
    }
  }

  private async writeBatch(client: pg.PoolClient, batch: QuestionRecord[]) {
    let written = 0;
    let refused = 0;
    for (const record of batch) {
      await client.query('SAVEPOINT question');
      try {
        await this.write(client, record);
        await client.query('RELEASE SAVEPOINT question');
        written += 1;
      } catch (error) {
        // A row the schema refuses (SQLSTATE classes 22 and 23) loses only itself; anything else fails the batch.
        if (!isRowError(error)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT question');
        refused += 1;
        this.logger.error({ err: error, answerId: record.answerId }, 'the question log refused a question');
      }
    }
    return { written, refused };
  }

  private async write(client: pg.PoolClient, record: QuestionRecord): Promise<void> {
    const row = questionRow(record, this.options, this.key!);
    // An answer already logged (a batch retried after its commit was not confirmed) keeps its first row.
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO questions (${QUESTION_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (answer_id) DO NOTHING RETURNING id`,
      questionValues(row),
    );
    const id = rows[0]?.id;
    if (id === undefined) return;
    if (row.missing.length > 0)
      await client.query(
        `INSERT INTO missing_words (question_id, word) SELECT $1, word FROM unnest($2::text[]) AS m (word)
         ON CONFLICT DO NOTHING`,
        [id, row.missing],
      );
    if (record.quoted.length === 0) return;
    await client.query(
      `INSERT INTO quoted_passages (question_id, rank, passage_id, score)
       SELECT $1, rank, passage_id, score FROM unnest($2::int[], $3::text[], $4::float8[]) AS q (rank, passage_id, score)`,
      [
        id,
        record.quoted.map((_, index) => index + 1),
        record.quoted.map((quoted) => quoted.passageId),
        record.quoted.map((quoted) => quoted.score),
      ],
    );
  }

  private unreachable(error: unknown): void {
    if (this.unreachableSince === undefined) {
      this.unreachableSince = this.now();
      this.logger.error(
        { err: error, buffered: this.pending.length },
        'the question log database is unreachable: questions are kept in memory and written when it is back',
      );
    }
    if (!this.closed && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        void this.flush();
      }, this.options.retryMs ?? DEFAULT_RETRY_MS);
      this.retryTimer.unref();
    }
  }

  private back(): void {
    if (this.unreachableSince === undefined) return;
    this.logger.info(
      { unreachableMs: this.now() - this.unreachableSince, overflowed: this.overflowedThisOutage },
      'the question log database is back: the questions kept meanwhile are written',
    );
    this.unreachableSince = undefined;
    this.overflowedThisOutage = 0;
  }

  async recordVote(vote: Vote): Promise<VoteOutcome> {
    try {
      const asker = hashAsker(this.key!, vote.userId);
      return await inTransaction(this.pool, async (client): Promise<VoteOutcome> => {
        const { rows } = await client.query<{ value: number }>(
          'SELECT value FROM votes WHERE answer_id = $1 AND asker = $2 FOR UPDATE',
          [vote.answerId, asker],
        );
        const previous = rows[0];
        if (previous?.value === vote.value) return 'unchanged';
        await client.query(
          `INSERT INTO votes (answer_id, asker, value, voted_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (answer_id, asker) DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at`,
          [vote.answerId, asker, vote.value, this.now()],
        );
        return previous ? 'changed' : 'recorded';
      });
    } catch (error) {
      this.logger.error({ err: error, answerId: vote.answerId }, 'could not record a vote in the question log');
      return 'failed';
    }
  }

  async report(days: number): Promise<StatsReport> {
    await this.flush();
    return withConnection(this.pool, (client) => readPostgresStats(client, { days, now: this.now() }));
  }

  async purge(): Promise<void> {
    const before = this.now() - this.options.retentionDays * DAY_MS;
    try {
      const { questions, votes } = await withConnection(this.pool, async (client) => ({
        questions: (await client.query('DELETE FROM questions WHERE asked_at < $1', [before])).rowCount ?? 0,
        votes: (await client.query('DELETE FROM votes WHERE voted_at < $1', [before])).rowCount ?? 0,
      }));
      await this.limits?.purge(this.now());
      if (questions + votes > 0)
        this.logger.info({ questions, votes, retentionDays: this.options.retentionDays }, 'purged the question log');
    } catch (error) {
      this.logger.error({ err: error }, 'could not purge the question log');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.flush();
    if (this.pending.length > 0)
      this.logger.error(
        { lost: this.pending.length },
        'stopping while the question log database is unreachable: the questions kept in memory are lost',
      );
    await this.pool.end().catch(() => undefined);
  }
}
