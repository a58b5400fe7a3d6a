import type { Database } from './database.js';
import { INSTALLATIONS, type Installation } from './installation.js';

/** What `/stats` and `npm run stats` report over a period: plain data, rendered by each. */
export interface StatsReport {
  days: number;
  /** The period, as ISO timestamps. */
  since: string;
  until: string;
  questions: number;
  /** Answered in full. */
  answered: number;
  /** Quoted under a caveat naming words the article lacks. */
  partial: number;
  declined: number;
  /** Declined questions whose text was not kept (DMs, LOG_QUESTIONS=false): counted, but they cannot be listed. */
  declinedWithoutText: number;
  votes: { up: number; down: number };
  /** Questions by where they were asked (questions logged before this was recorded are in none). */
  byInstallation: Record<Installation, number>;
  /** Nearest-rank percentiles; null without questions. */
  latencyMs: { p50: number | null; p95: number | null };
  /** Every UTC day of the period, oldest first, including days without questions. */
  perDay: Array<{ day: string; answered: number; partial: number; declined: number }>;
  /** The declined questions asked most often (what the corpus lacks), most asked first; at most 10. */
  unanswered: Array<{ question: string; count: number }>;
  /**
   * The words partial answers found missing most often: the article's coverage gaps, what the owner
   * might add to the corpus; most frequent first, at most 10.
   */
  coverageGaps: Array<{ word: string; count: number }>;
  /** The paragraphs quoted most often; at most 5. */
  mostQuoted: Array<{ passageId: string; count: number }>;
  /** The paragraphs quoted in the answers that got the most 👎; at most 5. */
  mostDownVoted: Array<{ passageId: string; down: number; up: number }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The nearest-rank percentile of the latencies in the period, read in order from the database. */
function percentile(db: Database, since: number, count: number, fraction: number): number | null {
  if (count === 0) return null;
  const offset = Math.max(0, Math.ceil(fraction * count) - 1);
  const row = db
    .prepare<[number, number], { latency: number }>(
      'SELECT latency_ms AS latency FROM questions WHERE asked_at >= ? ORDER BY latency_ms LIMIT 1 OFFSET ?',
    )
    .get(since, offset);
  return row?.latency ?? null;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The report over the `days` days up to `now`. */
export function readStats(db: Database, { days, now }: { days: number; now: number }): StatsReport {
  const since = now - days * DAY_MS;
  const totals = db
    .prepare<
      [number],
      { questions: number; answered: number | null; partial: number | null; declinedWithoutText: number | null }
    >(
      `SELECT COUNT(*) AS questions, SUM(outcome = 'answered') AS answered, SUM(outcome = 'partial') AS partial,
              SUM(question IS NULL AND answered = 0) AS declinedWithoutText
       FROM questions WHERE asked_at >= ?`,
    )
    .get(since)!;
  const votes = db
    .prepare<[number], { up: number | null; down: number | null }>(
      'SELECT SUM(value = 1) AS up, SUM(value = -1) AS down FROM votes WHERE voted_at >= ?',
    )
    .get(since)!;

  const counted = new Map(
    db
      .prepare<[number], { day: string; answered: number; partial: number; declined: number }>(
        `SELECT strftime('%Y-%m-%d', asked_at / 1000, 'unixepoch') AS day,
                SUM(outcome = 'answered') AS answered, SUM(outcome = 'partial') AS partial, SUM(1 - answered) AS declined
         FROM questions WHERE asked_at >= ? GROUP BY day`,
      )
      .all(since)
      .map((row) => [row.day, row]),
  );
  const perDay: StatsReport['perDay'] = [];
  for (let day = utcDay(since); day <= utcDay(now); day = utcDay(Date.parse(day) + DAY_MS)) {
    const row = counted.get(day);
    perDay.push({ day, answered: row?.answered ?? 0, partial: row?.partial ?? 0, declined: row?.declined ?? 0 });
  }

  // The same question asked again with other capitals or spacing counts as one.
  const unanswered = db
    .prepare<{ since: number }, { question: string; count: number }>(
      `SELECT (SELECT q2.question FROM questions q2 WHERE lower(trim(q2.question)) = lower(trim(q.question))
                 AND q2.answered = 0 AND q2.asked_at >= @since ORDER BY q2.asked_at DESC LIMIT 1) AS question,
              COUNT(*) AS count
       FROM questions q WHERE q.answered = 0 AND q.question IS NOT NULL AND q.asked_at >= @since
       GROUP BY lower(trim(q.question)) ORDER BY count DESC, MAX(q.asked_at) DESC LIMIT 10`,
    )
    .all({ since });
  const coverageGaps = db
    .prepare<[number], { word: string; count: number }>(
      `SELECT m.word AS word, COUNT(*) AS count
       FROM missing_words m JOIN questions q ON q.id = m.question_id WHERE q.asked_at >= ?
       GROUP BY m.word ORDER BY count DESC, MAX(q.asked_at) DESC LIMIT 10`,
    )
    .all(since);
  const mostQuoted = db
    .prepare<[number], { passageId: string; count: number }>(
      `SELECT p.passage_id AS passageId, COUNT(*) AS count
       FROM quoted_passages p JOIN questions q ON q.id = p.question_id WHERE q.asked_at >= ?
       GROUP BY p.passage_id ORDER BY count DESC, p.passage_id LIMIT 5`,
    )
    .all(since);
  const mostDownVoted = db
    .prepare<[number], { passageId: string; down: number; up: number }>(
      `SELECT p.passage_id AS passageId, SUM(v.value = -1) AS down, SUM(v.value = 1) AS up
       FROM votes v JOIN questions q ON q.answer_id = v.answer_id JOIN quoted_passages p ON p.question_id = q.id
       WHERE v.voted_at >= ? GROUP BY p.passage_id HAVING down > 0 ORDER BY down DESC, up, p.passage_id LIMIT 5`,
    )
    .all(since);

  const byInstallation = Object.fromEntries(INSTALLATIONS.map((installation) => [installation, 0])) as Record<
    Installation,
    number
  >;
  for (const row of db
    .prepare<[number], { installation: Installation; count: number }>(
      `SELECT installation, COUNT(*) AS count FROM questions
       WHERE asked_at >= ? AND installation IS NOT NULL GROUP BY installation`,
    )
    .all(since))
    byInstallation[row.installation] = row.count;

  const answered = totals.answered ?? 0;
  const partial = totals.partial ?? 0;
  return {
    days,
    since: new Date(since).toISOString(),
    until: new Date(now).toISOString(),
    questions: totals.questions,
    answered,
    partial,
    declined: totals.questions - answered - partial,
    declinedWithoutText: totals.declinedWithoutText ?? 0,
    votes: { up: votes.up ?? 0, down: votes.down ?? 0 },
    byInstallation,
    latencyMs: {
      p50: percentile(db, since, totals.questions, 0.5),
      p95: percentile(db, since, totals.questions, 0.95),
    },
    perDay,
    unanswered,
    coverageGaps,
    mostQuoted,
    mostDownVoted,
  };
}
