import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { hashAsker, loadOrCreateAskerKey } from './asker-key.js';
import { openDatabase, type Database } from './database.js';
import type { Installation } from './installation.js';
import { readStats, type StatsReport } from './stats.js';

/** What became of a question that was asked. */
export type AnswerOutcome = 'answered' | 'partial' | 'declined';

/** Where a question came from. */
export type QuestionSource = 'slash' | 'dm' | 'mention' | 'context-menu';
export type { Installation } from './installation.js';

/** One answered or declined question, as the bot hands it over (the user id is hashed here, never stored). */
export interface QuestionRecord {
  /** The id the bot gave the answer before replying (buttons carry it). */
  answerId: string;
  /** When the question arrived, in ms since the epoch. */
  askedAt: number;
  source: QuestionSource;
  /** Where it was asked, through whose installation; unknown for a record made without one. */
  installation?: Installation;
  /** The server, or null outside servers (DMs). */
  guildId: string | null;
  userId: string;
  /** The language the bot answered in. */
  language: string;
  question: string;
  /** answered, partial (quoted under a caveat naming what the article lacks) or declined. */
  outcome: AnswerOutcome;
  /** The question's words a partial answer found missing from the article (kept only where the text is). */
  missing: readonly string[];
  /** The paragraphs quoted, best first, with their relevance. */
  quoted: ReadonlyArray<{ passageId: string; score: number }>;
  /** From the question's arrival to the reply being sent. */
  latencyMs: number;
}

export interface Vote {
  answerId: string;
  userId: string;
  value: 1 | -1;
}

/**
 * recorded: a first vote; changed: it replaced the user's other vote;
 * unchanged: the same vote again; failed: it could not be stored (logged).
 */
export type VoteOutcome = 'recorded' | 'changed' | 'unchanged' | 'failed';

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

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * The owner's record of what people ask: questions, what they were answered,
 * and feedback votes, in SQLite. Questions are written after the reply, in
 * one transaction per turn of the event loop, so a write never delays an
 * answer; a write that fails is logged and dropped, never thrown at a caller.
 */
export class QuestionLog {
  private readonly db: Database;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly key: Buffer;
  private readonly pending: QuestionRecord[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  private readonly purgeTimer: NodeJS.Timeout;
  private closed = false;
  private readonly insertQuestion;
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
      // An answer id already logged (ids are random: practically never) keeps its first row rather than failing the batch.
      `INSERT OR IGNORE INTO questions (answer_id, asked_at, source, guild_id, asker, language, question, answered, outcome, latency_ms, installation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    this.purge();
    this.purgeTimer = setInterval(() => this.purge(), options.purgeIntervalMs ?? HOUR_MS);
    this.purgeTimer.unref();
  }

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
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  /** Writes the queued questions now, in one transaction. Never throws: a failure is logged and the batch dropped. */
  flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const record of batch) this.write(record);
      })();
    } catch (error) {
      this.logger.error({ err: error, dropped: batch.length }, 'could not write to the question log');
    }
  }

  private write(record: QuestionRecord): void {
    const { keepQuestions, keepDmText } = this.options;
    const inServer = record.guildId !== null;
    const keepText = keepQuestions && (inServer || keepDmText);
    const { changes, lastInsertRowid } = this.insertQuestion.run(
      record.answerId,
      Math.round(record.askedAt),
      record.source,
      keepQuestions ? record.guildId : null,
      keepQuestions ? hashAsker(this.key, record.userId) : null,
      record.language,
      keepText ? record.question : null,
      // `answered`: passages were quoted (a partial answer quotes them too); `outcome` tells the two apart.
      record.outcome === 'declined' ? 0 : 1,
      record.outcome,
      Math.max(0, Math.round(record.latencyMs)),
      record.installation ?? null,
    );
    if (changes === 0) return;
    // The missing words are words of the question: kept where its text is.
    if (keepText) for (const word of new Set(record.missing)) this.insertMissing.run(lastInsertRowid, word);
    record.quoted.forEach((quoted, index) =>
      this.insertQuoted.run(lastInsertRowid, index + 1, quoted.passageId, quoted.score),
    );
  }

  /**
   * Records a user's 👍 (1) or 👎 (-1) on an answer: one vote per user and
   * answer, a new one replacing the old. Synchronous and quick (one indexed
   * upsert). Never throws: when the database fails it logs the error and
   * returns 'unchanged', since nothing was stored.
   */
  recordVote(vote: Vote): VoteOutcome {
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
  report(days: number): StatsReport {
    this.flush();
    return readStats(this.db, { days, now: this.now() });
  }

  /** Deletes questions (with their quoted paragraphs) and votes older than the retention period. */
  purge(): void {
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

  /** Writes what is queued and closes the database. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.purgeTimer);
    this.db.close();
  }
}
