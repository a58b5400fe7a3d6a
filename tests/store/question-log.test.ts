import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ASKER_KEY_FILE } from '../../src/store/asker-key.js';
import { DATABASE_FILE } from '../../src/store/database.js';
import { QuestionLog, type QuestionLogOptions, type QuestionRecord } from '../../src/store/question-log.js';
import { capturingLogger, removeTempDirs, tempDir } from '../support/fixtures.js';

const USER_ID = '314159265358979323';
const GUILD_ID = '271828182845904523';
const DAY_MS = 24 * 60 * 60 * 1000;

const opened: QuestionLog[] = [];

afterEach(() => {
  for (const log of opened.splice(0)) log.close();
});

afterAll(removeTempDirs);

async function openLog(options: Partial<QuestionLogOptions> = {}): Promise<QuestionLog> {
  const log = QuestionLog.open({
    dataDir: options.dataDir ?? (await tempDir('data-')),
    keepQuestions: true,
    keepDmText: false,
    retentionDays: 30,
    ...options,
  });
  opened.push(log);
  return log;
}

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

/** Reads the rows straight from the file, as an owner with the sqlite3 shell would. */
function rows(dataDir: string, sql: string): Array<Record<string, unknown>> {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare(sql).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** Every byte the log has on disk: the database, its WAL and shared memory, the key. */
async function filesOnDisk(dataDir: string): Promise<Buffer> {
  const names = await readdir(dataDir);
  return Buffer.concat(await Promise.all(names.map((name) => readFile(path.join(dataDir, name)))));
}

describe('given a new data directory', () => {
  it('then the log creates the database in WAL mode and a 256-bit key readable by its owner only', async () => {
    const dataDir = await tempDir('data-');
    await openLog({ dataDir });

    const key = await readFile(path.join(dataDir, ASKER_KEY_FILE), 'utf8');
    expect(key.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(path.join(dataDir, ASKER_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(rows(dataDir, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('then the key is kept across starts, so one asker keeps one hash', async () => {
    const dataDir = await tempDir('data-');
    const first = await openLog({ dataDir });
    first.recordQuestion(question());
    first.close();
    const second = await openLog({ dataDir });
    second.recordQuestion(question());
    second.flush();

    const askers = rows(dataDir, 'SELECT DISTINCT asker FROM questions');
    expect(askers).toHaveLength(1);
    expect(askers[0]!.asker).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('given a question answered in a server', () => {
  it('then it is written after the current turn of the event loop, with every field and its quoted paragraphs', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog({ dataDir });
    const record = question({ askedAt: Date.parse('2025-02-03T04:05:06.789Z'), latencyMs: 345.6 });

    log.recordQuestion(record);
    expect(rows(dataDir, 'SELECT * FROM questions')).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));

    expect(rows(dataDir, 'SELECT * FROM questions')).toEqual([
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
    expect(rows(dataDir, 'SELECT rank, passage_id, score FROM quoted_passages ORDER BY rank')).toEqual([
      { rank: 1, passage_id: 'article.txt#9', score: 0.91 },
      { rank: 2, passage_id: 'article.txt#21', score: 0.84 },
    ]);
  });

  it('then the raw user id is found in none of the files, the WAL included', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog({ dataDir });
    log.recordQuestion(question({ userId: USER_ID }));
    log.recordQuestion(question({ userId: USER_ID, source: 'dm', guildId: null }));
    log.flush();
    expect(log.recordVote({ answerId: 'answer-x', userId: USER_ID, value: 1 })).toBe('recorded');

    const bytes = await filesOnDisk(dataDir);
    expect(bytes.includes(GUILD_ID)).toBe(true); // the files are readable as they are: the check can find ids
    expect(bytes.includes(USER_ID)).toBe(false);
    log.close();
    expect((await filesOnDisk(dataDir)).includes(USER_ID)).toBe(false);
  });
});

describe('given the privacy settings', () => {
  const DM_TEXT = '私信里的秘密问题 DM-secret-question';

  it('then by default a DM’s text is absent from every file, while the DM is counted', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog({ dataDir });
    log.recordQuestion(question({ source: 'dm', guildId: null, question: DM_TEXT, outcome: 'declined', quoted: [] }));
    log.flush();

    expect(rows(dataDir, 'SELECT source, question, answered FROM questions')).toEqual([
      { source: 'dm', question: null, answered: 0 },
    ]);
    expect((await filesOnDisk(dataDir)).includes(Buffer.from(DM_TEXT))).toBe(false);
    expect(log.report(7)).toMatchObject({ questions: 1, declined: 1, declinedWithoutText: 1, unanswered: [] });
  });

  it('then LOG_DM_TEXT=true keeps a DM’s text', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog({ dataDir, keepDmText: true });
    log.recordQuestion(question({ source: 'dm', guildId: null, question: DM_TEXT }));
    log.flush();
    expect(rows(dataDir, 'SELECT question FROM questions')).toEqual([{ question: DM_TEXT }]);
  });

  it('then LOG_QUESTIONS=false keeps counts only: no text, server or asker, even with LOG_DM_TEXT=true', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog({ dataDir, keepQuestions: false, keepDmText: true });
    log.recordQuestion(question());
    log.recordQuestion(question({ source: 'dm', guildId: null, question: DM_TEXT }));
    log.flush();

    expect(rows(dataDir, 'SELECT source, guild_id, asker, question, answered, latency_ms FROM questions')).toEqual([
      { source: 'slash', guild_id: null, asker: null, question: null, answered: 1, latency_ms: 120 },
      { source: 'dm', guild_id: null, asker: null, question: null, answered: 1, latency_ms: 120 },
    ]);
    expect(log.keeps).toEqual({ questions: false, dmText: false, retentionDays: 30 });
    expect(log.report(7)).toMatchObject({ questions: 2, answered: 2 });
  });

  it('then rows older than LOG_RETENTION_DAYS are purged at start-up and while running, newer ones kept', async () => {
    const dataDir = await tempDir('data-');
    let now = Date.parse('2025-03-01T12:00:00Z');
    const first = await openLog({ dataDir, retentionDays: 7, now: () => now });
    first.recordQuestion(question({ askedAt: now - 10 * DAY_MS, answerId: 'old' }));
    first.recordQuestion(question({ askedAt: now - 6 * DAY_MS, answerId: 'recent' }));
    first.recordVote({ answerId: 'old', userId: USER_ID, value: -1 });
    first.flush();
    first.close();

    const second = await openLog({ dataDir, retentionDays: 7, now: () => now });
    expect(rows(dataDir, 'SELECT answer_id FROM questions')).toEqual([{ answer_id: 'recent' }]);
    expect(rows(dataDir, 'SELECT COUNT(*) AS n FROM quoted_passages')).toEqual([{ n: 2 }]);
    expect(rows(dataDir, 'SELECT COUNT(*) AS n FROM votes')).toEqual([{ n: 1 }]); // voted "now": kept

    now += 2 * DAY_MS;
    second.purge();
    expect(rows(dataDir, 'SELECT COUNT(*) AS n FROM questions')).toEqual([{ n: 0 }]);
    expect(rows(dataDir, 'SELECT COUNT(*) AS n FROM quoted_passages')).toEqual([{ n: 0 }]);
  });
});

describe('given feedback votes', () => {
  it('then one vote per user and answer: a first is recorded, the same again is unchanged, the other replaces it', async () => {
    const dataDir = await tempDir('data-');
    const log = await openLog({ dataDir });

    expect(log.recordVote({ answerId: 'a1', userId: USER_ID, value: 1 })).toBe('recorded');
    expect(log.recordVote({ answerId: 'a1', userId: USER_ID, value: 1 })).toBe('unchanged');
    expect(log.recordVote({ answerId: 'a1', userId: USER_ID, value: -1 })).toBe('changed');
    expect(log.recordVote({ answerId: 'a1', userId: '999999999999999999', value: 1 })).toBe('recorded');
    expect(log.recordVote({ answerId: 'a2', userId: USER_ID, value: 1 })).toBe('recorded');

    expect(rows(dataDir, 'SELECT answer_id, value FROM votes ORDER BY answer_id, value')).toEqual([
      { answer_id: 'a1', value: -1 },
      { answer_id: 'a1', value: 1 },
      { answer_id: 'a2', value: 1 },
    ]);
  });
});

describe('given a database that cannot take a write', () => {
  it('then a question and a vote are logged as errors, not thrown, and the log works again once it can', async () => {
    const dataDir = await tempDir('data-');
    const captured = capturingLogger('info');
    const log = await openLog({ dataDir, logger: captured.logger });
    // Another connection holds the write lock, as a long transaction in the sqlite3 shell would.
    const other = new Database(path.join(dataDir, DATABASE_FILE));
    other.exec('BEGIN IMMEDIATE');
    try {
      log.recordQuestion(question({ answerId: 'lost' }));
      expect(() => log.flush()).not.toThrow();
      expect(log.recordVote({ answerId: 'lost', userId: USER_ID, value: 1 })).toBe('failed');
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
    log.flush();
    expect(rows(dataDir, 'SELECT answer_id FROM questions')).toEqual([{ answer_id: 'kept' }]);
  });
});
