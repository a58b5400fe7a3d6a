import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ASKER_KEY_FILE } from '../../src/store/asker-key.js';
import { DATABASE_FILE } from '../../src/store/database.js';
import type { QuestionRecord, QuestionStore } from '../../src/store/question-store.js';
import { capturingLogger, removeTempDirs, tempDir } from '../support/fixtures.js';
import { sqliteBackend, storeBackends, type StoreOptions } from '../support/store-backends.js';

const USER_ID = '314159265358979323';
const GUILD_ID = '271828182845904523';
const DAY_MS = 24 * 60 * 60 * 1000;

const opened: QuestionStore[] = [];
const backends = storeBackends();

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close();
});

afterAll(async () => {
  for (const backend of backends) await backend.stop();
  await removeTempDirs();
});

let answerCount = 0;
function question(overrides: Partial<QuestionRecord> = {}): QuestionRecord {
  answerCount += 1;
  return {
    answerId: `answer${String(answerCount).padStart(4, '0')}`,
    askedAt: Date.now(),
    source: 'slash',
    installation: 'server',
    guildId: GUILD_ID,
    userId: USER_ID,
    language: 'zh-Hans',
    question: '什么是杰文斯悖论?',
    outcome: 'answered',
    missing: [],
    quoted: [
      { passageId: 'article.txt#9', score: 0.91 },
      { passageId: 'article.txt#21', score: 0.84 },
    ],
    latencyMs: 120,
    ...overrides,
  };
}

describe.each(backends)('given the question log in $name', (backend) => {
  async function openLog(options: StoreOptions = {}): Promise<{ log: QuestionStore; place: string }> {
    const { store, place } = await backend.open(options);
    opened.push(store);
    return { log: store, place };
  }
  const rows = (place: string, sql: string) => backend.rows(place, sql);

  describe('given a new log', () => {
    it('then the key is kept across starts, so one asker keeps one hash', async () => {
      const { log: first, place } = await openLog();
      first.recordQuestion(question());
      await first.close();
      const { log: second } = await openLog({ place });
      second.recordQuestion(question());
      await second.flush();

      const askers = await rows(place, 'SELECT DISTINCT asker FROM questions');
      expect(askers).toHaveLength(1);
      expect(askers[0]!.asker).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  describe('given a question answered in a server', () => {
    it('then it is written after the reply, with every field and its quoted paragraphs', async () => {
      const { log, place } = await openLog();
      const record = question({ askedAt: Date.parse('2025-02-03T04:05:06.789Z'), latencyMs: 345.6 });

      log.recordQuestion(record);
      await log.flush();

      expect(await rows(place, 'SELECT * FROM questions')).toEqual([
        {
          id: 1,
          answer_id: record.answerId,
          asked_at: Date.parse('2025-02-03T04:05:06.789Z'),
          source: 'slash',
          guild_id: GUILD_ID,
          asker: expect.stringMatching(/^[0-9a-f]{32}$/),
          language: 'zh-Hans',
          question: '什么是杰文斯悖论?',
          answered: 1,
          outcome: 'answered',
          latency_ms: 346,
          installation: 'server',
        },
      ]);
      expect(await rows(place, 'SELECT rank, passage_id, score FROM quoted_passages ORDER BY rank')).toEqual([
        { rank: 1, passage_id: 'article.txt#9', score: 0.91 },
        { rank: 2, passage_id: 'article.txt#21', score: 0.84 },
      ]);
      expect(log.counts).toMatchObject({ written: 1, refused: 0 });
    });

    it('then an answer id logged already keeps its first row', async () => {
      const { log, place } = await openLog();
      log.recordQuestion(question({ answerId: 'same', question: 'first' }));
      await log.flush();
      log.recordQuestion(question({ answerId: 'same', question: 'second' }));
      await log.flush();
      expect(await rows(place, 'SELECT question FROM questions')).toEqual([{ question: 'first' }]);
      expect(await rows(place, 'SELECT COUNT(*) AS n FROM quoted_passages')).toEqual([{ n: 2 }]);
    });
  });

  describe('given a batch with a row the database refuses', () => {
    it('then only that row is lost: it is logged and counted, and the rest of the batch is written', async () => {
      const captured = capturingLogger('info');
      const { log, place } = await openLog({ logger: captured.logger });
      log.recordQuestion(question({ answerId: 'before' }));
      // A source outside the schema's list: the database's CHECK refuses the row.
      log.recordQuestion(question({ answerId: 'refused', source: 'carrier-pigeon' as QuestionRecord['source'] }));
      log.recordQuestion(question({ answerId: 'after' }));
      await log.flush();

      expect(await rows(place, 'SELECT answer_id FROM questions ORDER BY answer_id')).toEqual([
        { answer_id: 'after' },
        { answer_id: 'before' },
      ]);
      expect(await rows(place, 'SELECT COUNT(*) AS n FROM quoted_passages')).toEqual([{ n: 4 }]);
      expect(log.counts).toMatchObject({ written: 2, refused: 1 });
      expect(captured.lines().filter((line) => line.level === 50)).toEqual([
        expect.objectContaining({ msg: 'the question log refused a question', answerId: 'refused' }),
      ]);
    });
  });

  describe('given the privacy settings', () => {
    const DM_TEXT = '私信里的秘密问题 DM-secret-question';

    it('then by default a DM’s text is not kept, while the DM is counted', async () => {
      const { log, place } = await openLog();
      log.recordQuestion(question({ source: 'dm', guildId: null, question: DM_TEXT, outcome: 'declined', quoted: [] }));
      await log.flush();

      expect(await rows(place, 'SELECT source, question, answered FROM questions')).toEqual([
        { source: 'dm', question: null, answered: 0 },
      ]);
      expect(await log.report(7)).toMatchObject({ questions: 1, declined: 1, declinedWithoutText: 1, unanswered: [] });
    });

    it('then LOG_DM_TEXT=true keeps a DM’s text', async () => {
      const { log, place } = await openLog({ keepDmText: true });
      log.recordQuestion(question({ source: 'dm', guildId: null, question: DM_TEXT }));
      await log.flush();
      expect(await rows(place, 'SELECT question FROM questions')).toEqual([{ question: DM_TEXT }]);
    });

    it('then LOG_QUESTIONS=false keeps counts only: no text, server or asker, even with LOG_DM_TEXT=true', async () => {
      const { log, place } = await openLog({ keepQuestions: false, keepDmText: true });
      log.recordQuestion(question());
      log.recordQuestion(question({ source: 'dm', guildId: null, question: DM_TEXT }));
      await log.flush();

      expect(
        await rows(place, 'SELECT source, guild_id, asker, question, answered, latency_ms FROM questions ORDER BY id'),
      ).toEqual([
        { source: 'slash', guild_id: null, asker: null, question: null, answered: 1, latency_ms: 120 },
        { source: 'dm', guild_id: null, asker: null, question: null, answered: 1, latency_ms: 120 },
      ]);
      expect(log.keeps).toEqual({ questions: false, dmText: false, retentionDays: 30 });
      expect(await log.report(7)).toMatchObject({ questions: 2, answered: 2 });
    });

    it('then rows older than LOG_RETENTION_DAYS are purged at start-up and while running, newer ones kept', async () => {
      let now = Date.parse('2025-03-01T12:00:00Z');
      const { log: first, place } = await openLog({ retentionDays: 7, now: () => now });
      first.recordQuestion(question({ askedAt: now - 10 * DAY_MS, answerId: 'old' }));
      first.recordQuestion(question({ askedAt: now - 6 * DAY_MS, answerId: 'recent' }));
      await first.recordVote({ answerId: 'old', userId: USER_ID, value: -1 });
      await first.close();

      const { log: second } = await openLog({ place, retentionDays: 7, now: () => now });
      expect(await rows(place, 'SELECT answer_id FROM questions')).toEqual([{ answer_id: 'recent' }]);
      expect(await rows(place, 'SELECT COUNT(*) AS n FROM quoted_passages')).toEqual([{ n: 2 }]);
      expect(await rows(place, 'SELECT COUNT(*) AS n FROM votes')).toEqual([{ n: 1 }]); // voted "now": kept

      now += 2 * DAY_MS;
      await second.purge();
      expect(await rows(place, 'SELECT COUNT(*) AS n FROM questions')).toEqual([{ n: 0 }]);
      expect(await rows(place, 'SELECT COUNT(*) AS n FROM quoted_passages')).toEqual([{ n: 0 }]);
    });

    it('then the raw user id is in none of the rows', async () => {
      const { log, place } = await openLog();
      log.recordQuestion(question({ userId: USER_ID }));
      log.recordQuestion(question({ userId: USER_ID, source: 'dm', guildId: null }));
      await log.flush();
      expect(await log.recordVote({ answerId: 'answer-x', userId: USER_ID, value: 1 })).toBe('recorded');
      const everything = JSON.stringify([
        await rows(place, 'SELECT * FROM questions'),
        await rows(place, 'SELECT * FROM votes'),
      ]);
      expect(everything).toContain(GUILD_ID); // the check can find ids
      expect(everything).not.toContain(USER_ID);
    });
  });

  describe('given feedback votes', () => {
    it('then one vote per user and answer: a first is recorded, the same again is unchanged, the other replaces it', async () => {
      const { log, place } = await openLog();

      expect(await log.recordVote({ answerId: 'a1', userId: USER_ID, value: 1 })).toBe('recorded');
      expect(await log.recordVote({ answerId: 'a1', userId: USER_ID, value: 1 })).toBe('unchanged');
      expect(await log.recordVote({ answerId: 'a1', userId: USER_ID, value: -1 })).toBe('changed');
      expect(await log.recordVote({ answerId: 'a1', userId: '999999999999999999', value: 1 })).toBe('recorded');
      expect(await log.recordVote({ answerId: 'a2', userId: USER_ID, value: 1 })).toBe('recorded');

      expect(await rows(place, 'SELECT answer_id, value FROM votes ORDER BY answer_id, value')).toEqual([
        { answer_id: 'a1', value: -1 },
        { answer_id: 'a1', value: 1 },
        { answer_id: 'a2', value: 1 },
      ]);
    });
  });
});

describe('given the question log in SQLite, on disk', () => {
  async function openLog(dataDir: string, options: StoreOptions = {}): Promise<QuestionStore> {
    const { store } = await sqliteBackend.open({ place: dataDir, ...options });
    opened.push(store);
    return store;
  }
  const rows = (dataDir: string, sql: string) => sqliteBackend.rows(dataDir, sql);

  /** Every byte the log has on disk: the database, its WAL and shared memory, the key. */
  async function filesOnDisk(dataDir: string): Promise<Buffer> {
    const names = await readdir(dataDir);
    return Buffer.concat(await Promise.all(names.map((name) => readFile(path.join(dataDir, name)))));
  }

  it('then the log creates the database in WAL mode, and it, its WAL and a 256-bit key are readable by their owner only', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog(dataDir);
    log.recordQuestion(question());
    await log.flush();

    const key = await readFile(path.join(dataDir, ASKER_KEY_FILE), 'utf8');
    expect(key.trim()).toMatch(/^[0-9a-f]{64}$/);
    for (const file of [ASKER_KEY_FILE, DATABASE_FILE, `${DATABASE_FILE}-wal`])
      expect((await stat(path.join(dataDir, file))).mode & 0o777, file).toBe(0o600);
    expect(await rows(dataDir, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('then a question is written after the current turn of the event loop', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog(dataDir);
    log.recordQuestion(question());
    expect(await rows(dataDir, 'SELECT * FROM questions')).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await rows(dataDir, 'SELECT COUNT(*) AS n FROM questions')).toEqual([{ n: 1 }]);
  });

  it('then the raw user id is found in none of the files, the WAL included', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog(dataDir);
    log.recordQuestion(question({ userId: USER_ID }));
    log.recordQuestion(question({ userId: USER_ID, source: 'dm', guildId: null }));
    await log.flush();
    expect(await log.recordVote({ answerId: 'answer-x', userId: USER_ID, value: 1 })).toBe('recorded');

    const bytes = await filesOnDisk(dataDir);
    expect(bytes.includes(GUILD_ID)).toBe(true); // the files are readable as they are: the check can find ids
    expect(bytes.includes(USER_ID)).toBe(false);
    await log.close();
    expect((await filesOnDisk(dataDir)).includes(USER_ID)).toBe(false);
  });

  it('then by default a DM’s text is absent from every file', async () => {
    const DM_TEXT = '私信里的秘密问题 DM-secret-question';
    const dataDir = await tempDir('data-');
    const log = await openLog(dataDir);
    log.recordQuestion(question({ source: 'dm', guildId: null, question: DM_TEXT, outcome: 'declined', quoted: [] }));
    await log.flush();
    expect((await filesOnDisk(dataDir)).includes(Buffer.from(DM_TEXT))).toBe(false);
  });

  it('then a database that cannot take a write logs a question and a vote as errors, not thrown, and works again once it can', async () => {
    const dataDir = await tempDir('data-');
    const captured = capturingLogger('info');
    const log = await openLog(dataDir, { logger: captured.logger });
    // Another connection holds the write lock, as a long transaction in the sqlite3 shell would.
    const other = new Database(path.join(dataDir, DATABASE_FILE));
    other.exec('BEGIN IMMEDIATE');
    try {
      log.recordQuestion(question({ answerId: 'lost' }));
      await expect(log.flush()).resolves.toBeUndefined();
      expect(await log.recordVote({ answerId: 'lost', userId: USER_ID, value: 1 })).toBe('failed');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const errors = captured.lines().filter((line) => line.level === 50);
    expect(errors.map((line) => line.msg)).toEqual([
      'could not write to the question log',
      'could not record a vote in the question log',
    ]);
    expect(errors[0]).toMatchObject({ dropped: 1, err: { code: 'SQLITE_BUSY' } });

    log.recordQuestion(question({ answerId: 'kept' }));
    await log.flush();
    expect(await rows(dataDir, 'SELECT answer_id FROM questions')).toEqual([{ answer_id: 'kept' }]);
  });
});
