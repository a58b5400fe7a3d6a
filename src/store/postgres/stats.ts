import type pg from 'pg';
import { DAY_MS } from '../question-store.js';
import { INSTALLATIONS, type Installation } from '../installation.js';
import type { StatsReport } from '../stats.js';

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The report over the `days` days up to `now`, read from PostgreSQL: the
 * same report as SQLite's (../stats.ts) in PostgreSQL's dialect. Passage ids
 * sort byte by byte (COLLATE "C"), as SQLite sorts them.
 */
export async function readPostgresStats(
  db: pg.Pool | pg.ClientBase,
  { days, now }: { days: number; now: number },
): Promise<StatsReport> {
  const since = now - days * DAY_MS;
  const one = async <Row extends pg.QueryResultRow>(sql: string, values: unknown[]) =>
    (await db.query<Row>(sql, values)).rows[0]!;
  const all = async <Row extends pg.QueryResultRow>(sql: string, values: unknown[]) =>
    (await db.query<Row>(sql, values)).rows;

  const totals = await one<{ questions: number; answered: number; partial: number; declinedWithoutText: number }>(
    `SELECT COUNT(*)::int AS questions, COUNT(*) FILTER (WHERE outcome = 'answered')::int AS answered,
            COUNT(*) FILTER (WHERE outcome = 'partial')::int AS partial,
            COUNT(*) FILTER (WHERE question IS NULL AND answered = 0)::int AS "declinedWithoutText"
     FROM questions WHERE asked_at >= $1`,
    [since],
  );
  const votes = await one<{ up: number; down: number }>(
    `SELECT COUNT(*) FILTER (WHERE value = 1)::int AS up, COUNT(*) FILTER (WHERE value = -1)::int AS down
     FROM votes WHERE voted_at >= $1`,
    [since],
  );
  // Nearest-rank percentiles, as SQLite's report takes them.
  const percentile = async (fraction: number): Promise<number | null> => {
    if (totals.questions === 0) return null;
    const offset = Math.max(0, Math.ceil(fraction * totals.questions) - 1);
    const row = await one<{ latency: number }>(
      'SELECT latency_ms AS latency FROM questions WHERE asked_at >= $1 ORDER BY latency_ms LIMIT 1 OFFSET $2',
      [since, offset],
    );
    return row?.latency ?? null;
  };

  const counted = new Map(
    (
      await all<{ day: string; answered: number; partial: number; declined: number }>(
        `SELECT to_char(to_timestamp(asked_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
                COUNT(*) FILTER (WHERE outcome = 'answered')::int AS answered,
                COUNT(*) FILTER (WHERE outcome = 'partial')::int AS partial,
                COUNT(*) FILTER (WHERE answered = 0)::int AS declined
         FROM questions WHERE asked_at >= $1 GROUP BY day`,
        [since],
      )
    ).map((row) => [row.day, row]),
  );
  const perDay: StatsReport['perDay'] = [];
  for (let day = utcDay(since); day <= utcDay(now); day = utcDay(Date.parse(day) + DAY_MS)) {
    const row = counted.get(day);
    perDay.push({ day, answered: row?.answered ?? 0, partial: row?.partial ?? 0, declined: row?.declined ?? 0 });
  }

  // The same question asked again with other capitals or spacing counts as one, shown as most recently asked.
  const unanswered = await all<{ question: string; count: number }>(
    `SELECT (array_agg(question ORDER BY asked_at DESC))[1] AS question, COUNT(*)::int AS count
     FROM questions WHERE answered = 0 AND question IS NOT NULL AND asked_at >= $1
     GROUP BY lower(trim(question)) ORDER BY count DESC, MAX(asked_at) DESC LIMIT 10`,
    [since],
  );
  const coverageGaps = await all<{ word: string; count: number }>(
    `SELECT m.word AS word, COUNT(*)::int AS count
     FROM missing_words m JOIN questions q ON q.id = m.question_id WHERE q.asked_at >= $1
     GROUP BY m.word ORDER BY count DESC, MAX(q.asked_at) DESC LIMIT 10`,
    [since],
  );
  const byInstallation = Object.fromEntries(INSTALLATIONS.map((installation) => [installation, 0])) as Record<
    Installation,
    number
  >;
  for (const row of await all<{ installation: Installation; count: number }>(
    `SELECT installation, COUNT(*)::int AS count FROM questions
     WHERE asked_at >= $1 AND installation IS NOT NULL GROUP BY installation`,
    [since],
  ))
    byInstallation[row.installation] = row.count;
  const mostQuoted = await all<{ passageId: string; count: number }>(
    `SELECT p.passage_id AS "passageId", COUNT(*)::int AS count
     FROM quoted_passages p JOIN questions q ON q.id = p.question_id WHERE q.asked_at >= $1
     GROUP BY p.passage_id ORDER BY count DESC, p.passage_id COLLATE "C" LIMIT 5`,
    [since],
  );
  const mostDownVoted = await all<{ passageId: string; down: number; up: number }>(
    `SELECT p.passage_id AS "passageId", COUNT(*) FILTER (WHERE v.value = -1)::int AS down,
            COUNT(*) FILTER (WHERE v.value = 1)::int AS up
     FROM votes v JOIN questions q ON q.answer_id = v.answer_id JOIN quoted_passages p ON p.question_id = q.id
     WHERE v.voted_at >= $1 GROUP BY p.passage_id HAVING COUNT(*) FILTER (WHERE v.value = -1) > 0
     ORDER BY down DESC, up, p.passage_id COLLATE "C" LIMIT 5`,
    [since],
  );

  return {
    days,
    since: new Date(since).toISOString(),
    until: new Date(now).toISOString(),
    questions: totals.questions,
    answered: totals.answered,
    partial: totals.partial,
    declined: totals.questions - totals.answered - totals.partial,
    declinedWithoutText: totals.declinedWithoutText,
    votes,
    byInstallation,
    latencyMs: { p50: await percentile(0.5), p95: await percentile(0.95) },
    perDay,
    unanswered,
    coverageGaps,
    mostQuoted,
    mostDownVoted,
  };
}
