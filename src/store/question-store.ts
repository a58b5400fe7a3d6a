import type { Installation } from './installation.js';
import { hashAsker } from './asker-key.js';
import type { StatsReport } from './stats.js';

/** What became of a question that was asked. */
export type AnswerOutcome = 'answered' | 'partial' | 'declined';

/** Where a question came from. */
export type QuestionSource = 'slash' | 'dm' | 'mention' | 'context-menu';

/** One answered or declined question, as the bot hands it over (the user id is hashed here, never stored). */
export interface QuestionRecord {
  /** The id the bot gave the answer before replying (buttons carry it). */
  answerId: string;
  /** When the question arrived, in ms since the epoch. */
  askedAt: number;
  source: QuestionSource;
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
  /** Where it was asked, through whose installation; unknown for a record made without one. */
  installation?: Installation;
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

/** What the privacy settings let the log keep (docs/operations.md#privacy). */
export interface PrivacySettings {
  /** Keep question texts, servers and askers' hashes; false keeps counts only. */
  keepQuestions: boolean;
  /** Keep the text of questions asked outside servers. */
  keepDmText: boolean;
  /** Rows older than this are deleted: at start-up and every hour. */
  retentionDays: number;
}

/** How the log's writes went since start-up, for /metrics. */
export interface WriteCounts {
  /** Questions written. */
  written: number;
  /** Questions a database refused one by one (each logged): the rest of their batch was written. */
  refused: number;
  /** Questions dropped because the buffer kept while the database was unreachable was full (logged). */
  overflowed: number;
  /** Questions waiting in that buffer now. */
  buffered: number;
}

/** A shared rate limit's answer: the bot's `Admission` (src/bot/rate-limit.ts), as the store gives it. */
export type SharedAdmission = { allowed: true } | { allowed: false; retryAfterMs: number; repeated: boolean };

/** Rate-limit counters every process of a deployment shares (PostgreSQL only). Throws when the database fails. */
export interface SharedRateLimits {
  take(userId: string, settings: { limit: number; windowMs: number; now: number }): Promise<SharedAdmission>;
}

/**
 * The owner's record of what people ask: questions, what they were answered,
 * feedback votes and the key that hashes user ids. One backend per database:
 * SQLite in DATA_DIR (./question-log.ts) or PostgreSQL shared by every
 * process (./postgres/). Questions are written after the reply, batched, so a
 * write never delays an answer; nothing here throws a storage failure at a
 * caller of recordQuestion or recordVote: it is logged.
 */
export interface QuestionStore {
  readonly keeps: { questions: boolean; dmText: boolean; retentionDays: number };
  readonly counts: WriteCounts;
  /** The rate-limit counters shared with the other processes, when the database is shared (once started). */
  readonly sharedRateLimits?: SharedRateLimits | undefined;
  /** Connects and brings the schema up to date (SQLite does both when opened). Throws a QuestionLogError. */
  start(): Promise<void>;
  /** Queues a question to be written on the next turn of the event loop. Never throws. */
  recordQuestion(record: QuestionRecord): void;
  /** Writes the queued questions now. Never throws. */
  flush(): Promise<void>;
  /** Records a user's 👍 (1) or 👎 (-1) on an answer: one vote per user and answer, a new one replacing the old. */
  recordVote(vote: Vote): Promise<VoteOutcome>;
  /** The report over the last `days` days (queued questions included). Throws when the database cannot be read. */
  report(days: number): Promise<StatsReport>;
  /** Deletes questions (with their quoted paragraphs) and votes older than the retention period. Never throws. */
  purge(): Promise<void>;
  /** Writes what is queued and closes the database. Idempotent. */
  close(): Promise<void>;
}

/** A question as a row of the `questions` table: what the privacy settings let the log keep of it. */
export interface QuestionRow {
  answerId: string;
  askedAt: number;
  source: QuestionSource;
  guildId: string | null;
  asker: string | null;
  language: string;
  question: string | null;
  /** Passages were quoted (a partial answer quotes them too); `outcome` tells the two apart. */
  answered: 0 | 1;
  outcome: AnswerOutcome;
  /** The missing words, kept where the question's text is (they are words of it). */
  missing: string[];
  installation: Installation | null;
  latencyMs: number;
}

/** The columns of `questions` a question is written to, in the order of {@link questionValues}: one list for both backends. */
export const QUESTION_COLUMNS =
  'answer_id, asked_at, source, guild_id, asker, language, question, answered, outcome, latency_ms, installation';

/** A row's values in the order of {@link QUESTION_COLUMNS}. */
export function questionValues(row: QuestionRow): unknown[] {
  return [
    row.answerId,
    row.askedAt,
    row.source,
    row.guildId,
    row.asker,
    row.language,
    row.question,
    row.answered,
    row.outcome,
    row.latencyMs,
    row.installation,
  ];
}

export function questionRow(record: QuestionRecord, privacy: PrivacySettings, key: Buffer): QuestionRow {
  const { keepQuestions, keepDmText } = privacy;
  const inServer = record.guildId !== null;
  const keepText = keepQuestions && (inServer || keepDmText);
  return {
    answerId: record.answerId,
    askedAt: Math.round(record.askedAt),
    source: record.source,
    guildId: keepQuestions ? record.guildId : null,
    asker: keepQuestions ? hashAsker(key, record.userId) : null,
    language: record.language,
    question: keepText ? record.question : null,
    answered: record.outcome === 'declined' ? 0 : 1,
    outcome: record.outcome,
    missing: keepText ? [...new Set(record.missing)] : [],
    installation: record.installation ?? null,
    latencyMs: Math.max(0, Math.round(record.latencyMs)),
  };
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
