import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../src/store/database.js';
import { PostgresQuestionLog } from '../../src/store/postgres/question-log.js';
import { QuestionLog } from '../../src/store/question-log.js';
import type { PrivacySettings, QuestionStore } from '../../src/store/question-store.js';
import type { Logger } from '../../src/logger.js';
import { tempDir } from './fixtures.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export interface StoreOptions extends Partial<PrivacySettings> {
  logger?: Logger;
  now?: () => number;
  /** Where an earlier store kept its data (its `place`), to open it again; a fresh place by default. */
  place?: string;
}

/** One backend of the question log, as the store test suite drives it. */
export interface StoreBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** Opens (and starts) a store. `place` is its DATA_DIR or its database's URL. */
  open(options?: StoreOptions): Promise<{ store: QuestionStore; place: string }>;
  /** Reads rows straight from the database, as an owner with its shell would (bigints as numbers). */
  rows(place: string, sql: string): Promise<Array<Record<string, unknown>>>;
  /** Stops what the backend started (PostgreSQL's server). */
  stop(): Promise<void>;
}

const DEFAULTS: PrivacySettings = { keepQuestions: true, keepDmText: false, retentionDays: 30 };

export const sqliteBackend: StoreBackend = {
  name: 'SQLite',
  async open({ place, ...options } = {}) {
    const dataDir = place ?? (await tempDir('data-'));
    return { store: QuestionLog.open({ dataDir, ...DEFAULTS, ...options }), place: dataDir };
  },
  async rows(place, sql) {
    const db = new Database(path.join(place, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare(sql).all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  },
  async stop() {},
};

/** PostgreSQL: a real server, started on first use by this test file, a fresh database per store. */
export function postgresBackend(): StoreBackend & { server(): Promise<TestPostgres> } {
  let server: Promise<TestPostgres> | undefined;
  const started = () => (server ??= startPostgres());
  return {
    name: 'PostgreSQL',
    server: started,
    async open({ place, ...options } = {}) {
      const url = place ?? (await (await started()).createDatabase());
      const store = new PostgresQuestionLog({ url, shownUrl: url, ...DEFAULTS, ...options });
      await store.start();
      return { store, place: url };
    },
    async rows(place, sql) {
      return (await started()).rows(place, sql);
    },
    async stop() {
      if (server) await (await server).stop();
      server = undefined;
    },
  };
}

/** Both backends: the store test suite runs on each. */
export function storeBackends(): StoreBackend[] {
  return [sqliteBackend, postgresBackend()];
}
