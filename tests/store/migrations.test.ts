import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ASKER_KEY_FILE } from '../../src/store/asker-key.js';
import { DATABASE_FILE, openDatabase } from '../../src/store/database.js';
import { QuestionLogError } from '../../src/store/errors.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { QuestionLog } from '../../src/store/question-log.js';
import { capturingLogger, removeTempDirs, tempDir } from '../support/fixtures.js';

afterAll(removeTempDirs);

const SETTINGS = { keepQuestions: true, keepDmText: false, retentionDays: 30 };

function userVersion(dataDir: string): number {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('given a question log written by the first schema (questions, no votes)', () => {
  it('then start-up migrates it, says so in the log, keeps every question, and votes work', async () => {
    const dataDir = await tempDir('data-');
    // What the version before feedback votes wrote.
    const { db: old } = openDatabase(dataDir, { migrateUpTo: 1 });
    old
      .prepare(
        `INSERT INTO questions (answer_id, asked_at, source, guild_id, asker, language, question, answered, latency_ms)
         VALUES ('before-upgrade', ?, 'mention', '271828182845904523', 'a1b2c3', 'en', 'What is the Jevons paradox?', 1, 80)`,
      )
      .run(Date.now());
    old.exec(`INSERT INTO quoted_passages VALUES (1, 1, 'article.txt#9', 0.9)`);
    old.close();
    expect(userVersion(dataDir)).toBe(1);

    const captured = capturingLogger('info');
    const upgraded = QuestionLog.open({ dataDir, ...SETTINGS, logger: captured.logger });
    try {
      expect(userVersion(dataDir)).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBe(4);
      for (const version of [2, 3, 4])
        expect(captured.lines()).toContainEqual(expect.objectContaining({ msg: 'migrated the question log', version }));
      // A question logged before answers had three outcomes keeps its own: answered.
      expect(await upgraded.report(7)).toMatchObject({
        questions: 1,
        answered: 1,
        partial: 0,
        mostQuoted: [{ passageId: 'article.txt#9' }],
        // Where it was asked was not recorded then: it counts in no place.
        byInstallation: { server: 0, 'user-in-server': 0, 'bot-dm': 0, 'private-channel': 0 },
      });
      expect(await upgraded.recordVote({ answerId: 'before-upgrade', userId: '314159265358979323', value: -1 })).toBe(
        'recorded',
      );
      expect((await upgraded.report(7)).mostDownVoted).toEqual([{ passageId: 'article.txt#9', down: 1, up: 0 }]);
    } finally {
      await upgraded.close();
    }

    const again = capturingLogger('info');
    QuestionLog.open({ dataDir, ...SETTINGS, logger: again.logger }).closeNow();
    expect(again.lines().filter((line) => line.msg === 'migrated the question log')).toEqual([]);
  });
});

describe('given a question log from a newer version of the bot', () => {
  it('then start-up stops with a message that says so and what to do, and leaves the file as it was', async () => {
    const dataDir = await tempDir('data-');
    QuestionLog.open({ dataDir, ...SETTINGS }).closeNow();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();

    const opening = () => QuestionLog.open({ dataDir, ...SETTINGS });
    expect(opening).toThrow(QuestionLogError);
    expect(opening).toThrow(
      `The question log ${path.join(dataDir, DATABASE_FILE)} has schema version ${SCHEMA_VERSION + 1}, but this version ` +
        `of the bot knows only up to ${SCHEMA_VERSION}: it was written by a newer version. Run that version, or move the ` +
        'file aside to start a new log.',
    );
    expect(userVersion(dataDir)).toBe(SCHEMA_VERSION + 1);
  });
});

describe('given files in DATA_DIR that are not what they should be', () => {
  it('then a database file that is not SQLite stops start-up with a clear message', async () => {
    const dataDir = await tempDir('data-');
    await writeFile(path.join(dataDir, DATABASE_FILE), 'these are my notes, not a database '.repeat(200));
    expect(() => QuestionLog.open({ dataDir, ...SETTINGS })).toThrow(
      /^The question log .+ cannot be used: file is not a database\. Move it aside to start a new log\.$/,
    );
  });

  it('then a damaged key stops start-up, rather than hashing askers with another key unnoticed', async () => {
    const dataDir = await tempDir('data-');
    QuestionLog.open({ dataDir, ...SETTINGS }).closeNow();
    const keyFile = path.join(dataDir, ASKER_KEY_FILE);
    await writeFile(keyFile, (await readFile(keyFile, 'utf8')).slice(0, 20));
    expect(() => QuestionLog.open({ dataDir, ...SETTINGS })).toThrow(/^The key file .+ is damaged/);
  });
});
