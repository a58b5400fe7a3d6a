import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { hashAsker, loadOrCreateAskerKey } from './asker-key.js';
import { openDatabase, type Database } from './database.js';
import {
  DAY_MS,
  HOUR_MS,
  QUESTION_COLUMNS,
  questionRow,
  questionValues,
  type QuestionRecord,
  type QuestionStore,
  type Vote,
  type VoteOutcome,
  type WriteCounts,
} from './question-store.js';
import { readStats, type StatsReport } from './stats.js';

export type { AnswerOutcome, QuestionRecord, QuestionSource, Vote, VoteOutcome } from './question-store.js';
export type { Installation } from './installation.js';

/** SQLite's errors about one row's values (a CHECK, NOT NULL or type), not about the database. */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/.test(code);
}

export interface QuestionLogOptions {
  dataDir: string;
  /** Keep question texts, servers and askers' hashes; false keeps counts only. */
  keepQuestions: boolean;
  /** Keep the text of questions asked outside servers. */
  keepDmText: boolean;
  /** Rows older than this are deleted: at start-up and every `purgeIntervalMs`. */
  retentionDays: number;
  logger?: Logger;
  /** The clock (tests move it). */
  now?: () => number;
  purgeIntervalMs?: number;
}

/**
 * The question log in SQLite, in DATA_DIR: the default backend of
 * {@link QuestionStore}. Questions are written after the reply, in one
 * transaction per turn of the event loop, each row in a savepoint of its own:
 * a row the database refuses is logged and counted, and the rest of the batch
 * is written. Nothing is thrown at a caller.
 */
export class QuestionLog implements QuestionStore {
  private readonly db: Database;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly key: Buffer;
  private readonly pending: QuestionRecord[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  private readonly purgeTimer: NodeJS.Timeout;
  private closed = false;
  readonly counts: WriteCounts = { written: 0, refused: 0, overflowed: 0, buffered: 0 };
  private readonly insertQuestion;
  /** One question in a savepoint of the batch's transaction (better-sqlite3 nests a transaction so). */
  private readonly writeOne;
  private readonly insertQuoted;
  private readonly insertMissing;
  private readonly findVote;
  private readonly upsertVote;

  private constructor(private readonly options: QuestionLogOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    const { db, migrated } = openDatabase(options.dataDir);
    this.db = db;
    for (const migration of migrated)
      this.logger.info({ version: migration.version, migration: migration.description }, 'migrated the question log');
    try {
      this.key = loadOrCreateAskerKey(options.dataDir);
    } catch (error) {
      db.close();
      throw error;
    }
    this.insertQuestion = db.prepare(
      // An answer id already logged (ids are random: practically never) keeps its first row rather than failing the
      // batch. Not OR IGNORE: that would also drop a row its CHECKs refuse, silently.
      `INSERT INTO questions (${QUESTION_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id) DO NOTHING`,
    );
    this.insertMissing = db.prepare('INSERT OR IGNORE INTO missing_words (question_id, word) VALUES (?, ?)');
    this.insertQuoted = db.prepare(
      'INSERT INTO quoted_passages (question_id, rank, passage_id, score) VALUES (?, ?, ?, ?)',
    );
    this.findVote = db.prepare<[string, string], { value: number }>(
      'SELECT value FROM votes WHERE answer_id = ? AND asker = ?',
    );
    this.upsertVote = db.prepare(
      `INSERT INTO votes (answer_id, asker, value, voted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (answer_id, asker) DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at`,
    );
    this.writeOne = db.transaction((record: QuestionRecord) => this.write(record));
    this.purgeNow();
    this.purgeTimer = setInterval(() => this.purgeNow(), options.purgeIntervalMs ?? HOUR_MS);
    this.purgeTimer.unref();
  }

  /** SQLite is opened and migrated by {@link QuestionLog.open}: nothing is left to do. */
  async start(): Promise<void> {}

  /** Opens the log in `dataDir`, creating it, migrating its schema and making the hashing key as needed. */
  static open(options: QuestionLogOptions): QuestionLog {
    return new QuestionLog(options);
  }

  /** What the privacy settings let the log keep, for /about. */
  get keeps(): { questions: boolean; dmText: boolean; retentionDays: number } {
    return {
      questions: this.options.keepQuestions,
      dmText: this.options.keepQuestions && this.options.keepDmText,
      retentionDays: this.options.retentionDays,
    };
  }

  /** Queues a question to be written on the next turn of the event loop. Never throws. */
  recordQuestion(record: QuestionRecord): void {
    if (this.closed) {
      this.logger.warn({ answerId: record.answerId }, 'the question log is closed; a question was not recorded');
      return;
    }
    this.pending.push(record);
    this.flushTimer ??= setImmediate(() => this.flushNow());
  }

  /**
   * Writes the queued questions now, in one transaction (synchronously: done
   * when this returns). Never throws: a row refused is logged and counted, a
   * batch that cannot be written at all is logged and dropped.
   */
  async flush(): Promise<void> {
    this.flushNow();
  }

  private flushNow(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    let written = 0;
    let refused = 0;
    try {
      this.db.transaction(() => {
        for (const record of batch) {
          try {
            this.writeOne(record);
            written += 1;
          } catch (error) {
            // A row the schema refuses loses only itself; a database that cannot write (busy, full) fails the batch.
            if (!isRowError(error)) throw error;
            refused += 1;
            this.logger.error({ err: error, answerId: record.answerId }, 'the question log refused a question');
          }
        }
      })();
      this.counts.written += written;
      this.counts.refused += refused;
    } catch (error) {
      this.logger.error({ err: error, dropped: batch.length }, 'could not write to the question log');
    }
  }

  private write(record: QuestionRecord): void {
    const row = questionRow(record, this.options, this.key);
    const { changes, lastInsertRowid } = this.insertQuestion.run(...questionValues(row));
    if (changes === 0) return;
    for (const word of row.missing) this.insertMissing.run(lastInsertRowid, word);
    record.quoted.forEach((quoted, index) =>
      this.insertQuoted.run(lastInsertRowid, index + 1, quoted.passageId, quoted.score),
    );
  }

  /**
   * Records a user's 👍 (1) or 👎 (-1) on an answer: one vote per user and
   * answer, a new one replacing the old. Quick (one indexed upsert, done when
   * this returns). Never throws: when the database fails it logs the error and
   * returns 'failed', since nothing was stored.
   */
  async recordVote(vote: Vote): Promise<VoteOutcome> {
    try {
      const asker = hashAsker(this.key, vote.userId);
      return this.db.transaction((): VoteOutcome => {
        const previous = this.findVote.get(vote.answerId, asker);
        if (previous?.value === vote.value) return 'unchanged';
        this.upsertVote.run(vote.answerId, asker, vote.value, this.now());
        return previous ? 'changed' : 'recorded';
      })();
    } catch (error) {
      this.logger.error({ err: error, answerId: vote.answerId }, 'could not record a vote in the question log');
      return 'failed';
    }
  }

  /** The report over the last `days` days (queued questions included). */
  async report(days: number): Promise<StatsReport> {
    this.flushNow();
    return readStats(this.db, { days, now: this.now() });
  }

  /** Deletes questions (with their quoted paragraphs) and votes older than the retention period. */
  async purge(): Promise<void> {
    this.purgeNow();
  }

  private purgeNow(): void {
    const before = this.now() - this.options.retentionDays * DAY_MS;
    try {
      const questions = this.db.prepare('DELETE FROM questions WHERE asked_at < ?').run(before).changes;
      const votes = this.db.prepare('DELETE FROM votes WHERE voted_at < ?').run(before).changes;
      if (questions + votes > 0)
        this.logger.info({ questions, votes, retentionDays: this.options.retentionDays }, 'purged the question log');
    } catch (error) {
      this.logger.error({ err: error }, 'could not purge the question log');
    }
  }

  /** Writes what is queued and closes the database (done when this returns). Idempotent. */
  async close(): Promise<void> {
    this.closeNow();
  }

  /** {@link close}, for callers that cannot await (tests of SQLite's files, the crash test's writer). */
  closeNow(): void {
    if (this.closed) return;
    this.flushNow();
    this.closed = true;
    clearInterval(this.purgeTimer);
    this.db.close();
  }
}
