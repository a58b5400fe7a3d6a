import { createRequire } from 'node:module';
import type pg from 'pg';
import type { Logger } from '../../logger.js';

// `pg` (~13 MiB resident) is loaded by the first pool, so a bot without DATABASE_URL never carries it.
const require = createRequire(import.meta.url);
let client: typeof pg | undefined;
export function pgClient(): typeof pg {
  client ??= require('pg') as typeof pg;
  return client;
}

/** How long a query waits for a connection: a database that does not answer must not hold answers for long. */
const CONNECT_TIMEOUT_MS = 3000;

/** A small pool of connections to DATABASE_URL. Its idle connections' errors are logged, never thrown. */
export function createPool(url: string, logger: Logger): pg.Pool {
  const { Pool, TypeOverrides, types: builtinTypes } = pgClient();
  // bigint columns (epoch milliseconds, counts) are read as numbers: they stay far below 2^53.
  const types = new TypeOverrides();
  types.setTypeParser(builtinTypes.builtins.INT8, Number);
  const pool = new Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    types,
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'a PostgreSQL connection failed'));
  // Every connection keeps a listener of its own: between a failed query and its removal from the pool,
  // a server shutting down still sends it an error, which Node would otherwise throw. The query in
  // flight, if any, fails with the same error and is handled where it was made.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Whether an error may pass with time: anything but an answer of the server
 * about the statement itself. The server's SQLSTATE says so, but for its
 * classes of connection (08), resources (53), shutdown (57) and conflicts
 * between transactions (40); without one, it is the network or the client
 * (refused, reset, "Connection terminated", "not queryable", a timeout).
 */
export function mayPass(error: unknown): boolean {
  const { code } = error as { code?: unknown };
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  return sqlState === undefined || /^(08|53|57|40)/.test(sqlState);
}

/** PostgreSQL's errors about one row's values: data exceptions (22) and integrity constraints (23). */
export function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/** A connection taken from the pool, whose errors between queries (the server shutting down) are not thrown. */
export async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  // The pool listens to idle connections only; the next query on this one fails with the error anyway.
  if (client.listenerCount('error') === 0) client.on('error', () => undefined);
  return client;
}

/**
 * Runs `work` on one connection of the pool, outside a transaction. Not `pool.query`: that takes its
 * listener off the connection once the query has failed, and a server shutting down then sends the
 * connection an error nobody listens to, which Node throws.
 */
export async function withConnection<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await checkOut(pool);
  let broken: unknown;
  try {
    return await work(client);
  } catch (error) {
    broken = error;
    throw error;
  } finally {
    client.release(broken !== undefined && mayPass(broken) ? (broken as Error) : undefined);
  }
}

/** Runs `work` in a transaction on one connection of the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await checkOut(pool);
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection that failed mid-transaction is not given back to be reused.
    client.release(broken !== undefined && mayPass(broken) ? (broken as Error) : undefined);
  }
}
