import type pg from 'pg';
import { hashAsker } from '../asker-key.js';
import type { SharedAdmission, SharedRateLimits } from '../question-store.js';
import { inTransaction, withConnection } from './connection.js';

/** Hits older than the longest window the settings allow (RATE_LIMIT_WINDOW_SECONDS ≤ 3600) are purged. */
const LONGEST_WINDOW_MS = 3600 * 1000;

/**
 * The per-user sliding-window limit, kept in PostgreSQL so that one user has
 * one budget across shards and machines: the same rule as the bot's own
 * limiter (refused attempts do not count), one short transaction per
 * question, serialized per asker by an advisory lock. Users are kept as their
 * keyed hashes, as in the question log.
 */
export class PostgresRateLimits implements SharedRateLimits {
  constructor(
    private readonly pool: pg.Pool,
    private readonly key: Buffer,
  ) {}

  take(userId: string, settings: { limit: number; windowMs: number; now: number }): Promise<SharedAdmission> {
    const asker = hashAsker(this.key, userId);
    const { limit, windowMs, now } = settings;
    return inTransaction(this.pool, async (client): Promise<SharedAdmission> => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [asker]);
      await client.query('DELETE FROM rate_limit_hits WHERE asker = $1 AND at <= $2', [asker, now - windowMs]);
      const { rows } = await client.query<{ count: number; oldest: number | null }>(
        'SELECT COUNT(*)::int AS count, MIN(at) AS oldest FROM rate_limit_hits WHERE asker = $1',
        [asker],
      );
      const { count, oldest } = rows[0]!;
      if (count < limit) {
        await client.query('INSERT INTO rate_limit_hits (asker, at) VALUES ($1, $2)', [asker, now]);
        await client.query('DELETE FROM rate_limit_refusals WHERE asker = $1', [asker]);
        return { allowed: true };
      }
      const refusal = await client.query('INSERT INTO rate_limit_refusals (asker) VALUES ($1) ON CONFLICT DO NOTHING', [
        asker,
      ]);
      return { allowed: false, retryAfterMs: oldest! + windowMs - now, repeated: refusal.rowCount === 0 };
    });
  }

  /** Forgets the users whose every question has left the longest window. */
  async purge(now: number): Promise<void> {
    await withConnection(this.pool, async (client) => {
      await client.query('DELETE FROM rate_limit_hits WHERE at <= $1', [now - LONGEST_WINDOW_MS]);
      await client.query(
        'DELETE FROM rate_limit_refusals r WHERE NOT EXISTS (SELECT 1 FROM rate_limit_hits h WHERE h.asker = r.asker)',
      );
    });
  }
}
