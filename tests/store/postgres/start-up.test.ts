import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuestionLogError } from '../../../src/store/errors.js';
import {
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA_VERSION,
  PostgresSchemaTooNewError,
} from '../../../src/store/postgres/migrations.js';
import { PostgresQuestionLog } from '../../../src/store/postgres/question-log.js';
import { capturingLogger } from '../../support/fixtures.js';
import { freeLoopbackPort, startPostgres, type TestPostgres } from '../../support/postgres.js';

const PRIVACY = { keepQuestions: true, keepDmText: false, retentionDays: 30 };
const masked = (url: string) => url.replace(/:[^:@/]+@/, ':***@');

let server: TestPostgres;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

function logOn(url: string, logger = capturingLogger('info').logger): PostgresQuestionLog {
  return new PostgresQuestionLog({ url, shownUrl: masked(url), ...PRIVACY, logger });
}

describe('given a new database and two processes starting together', () => {
  it('then the schema is made once, under the lock, both start, and both hash an asker with the one key', async () => {
    const url = await server.createDatabase();
    const first = capturingLogger('info');
    const second = capturingLogger('info');
    const logs = [logOn(url, first.logger), logOn(url, second.logger)];
    await Promise.all(logs.map((log) => log.start()));
    try {
      expect(await server.rows(url, 'SELECT version, description FROM schema_migrations')).toEqual([
        { version: 1, description: 'the question log, votes, the key that hashes user ids and the shared rate limits' },
        { version: 2, description: POSTGRES_MIGRATIONS[1]!.description },
        {
          version: 3,
          description: 'the corpus every process answers from, versioned, and the embedding cache they share',
        },
      ]);
      expect(POSTGRES_SCHEMA_VERSION).toBe(3);
      const migratedLines = [...first.lines(), ...second.lines()].filter(
        (line) => line.msg === 'migrated the question log',
      );
      // Each migration once, by one of the two processes.
      expect(migratedLines).toHaveLength(POSTGRES_MIGRATIONS.length);
      const migratedBy = [first, second].map(
        (captured) => captured.lines().filter((line) => line.msg === 'migrated the question log').length,
      );
      expect(migratedBy.sort()).toEqual([0, POSTGRES_MIGRATIONS.length]);

      for (const [index, log] of logs.entries())
        log.recordQuestion({
          answerId: `from-process-${index}`,
          askedAt: Date.now(),
          source: 'dm',
          guildId: null,
          userId: '314159265358979323',
          language: 'en',
          question: 'What is the Jevons paradox?',
          outcome: 'answered',
          missing: [],
          quoted: [],
          latencyMs: 10,
        });
      await Promise.all(logs.map((log) => log.flush()));
      expect(await server.rows(url, 'SELECT COUNT(DISTINCT asker) AS askers, COUNT(*) AS n FROM questions')).toEqual([
        { askers: 1, n: 2 },
      ]);
      expect(await server.rows(url, 'SELECT length(key) AS bytes FROM asker_key')).toEqual([{ bytes: 32 }]);
    } finally {
      await Promise.all(logs.map((log) => log.close()));
    }
  });
});

describe('given a database written by a newer version of the bot', () => {
  it('then start-up stops with a message that says so, names the database with its password masked, and changes nothing', async () => {
    const url = await server.createDatabase();
    const log = logOn(url);
    await log.start();
    await log.close();
    await server.rows(
      url,
      `INSERT INTO schema_migrations (version, description) VALUES (${POSTGRES_SCHEMA_VERSION + 1}, 'later')`,
    );

    const starting = logOn(url).start();
    await expect(starting).rejects.toThrow(PostgresSchemaTooNewError);
    await expect(starting).rejects.toThrow(
      `The question log in ${masked(url)} has schema version ${POSTGRES_SCHEMA_VERSION + 1}, but this version of the bot ` +
        `knows only up to ${POSTGRES_SCHEMA_VERSION}: it was written by a newer version. Run that version, or set DATABASE_URL to another database.`,
    );
    expect(masked(url)).not.toContain('test-password');
    expect(await server.rows(url, 'SELECT MAX(version) AS version FROM schema_migrations')).toEqual([
      { version: POSTGRES_SCHEMA_VERSION + 1 },
    ]);
  });
});

describe('given DATABASE_URL pointing where no PostgreSQL answers', () => {
  it('then start-up stops with a message naming DATABASE_URL, with the password masked', async () => {
    const url = `postgres://bot:s3cret-word@127.0.0.1:${await freeLoopbackPort()}/bot`;

    const starting = logOn(url).start();
    await expect(starting).rejects.toThrow(QuestionLogError);
    const message = await starting.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toMatch(
      /^The question log's database postgres:\/\/bot:\*\*\*@127\.0\.0\.1:\d+\/bot \(DATABASE_URL\) cannot be reached: .+\. Check DATABASE_URL and that PostgreSQL is running\.$/,
    );
    expect(message).not.toContain('s3cret-word');
  });
});
