import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/database.js';
import { embedText, errorLines, HEARTBEAT_MS, startBot, type RunningBot } from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../support/fixtures.js';
import { replyTo } from '../support/reliability.js';

const SLASH_USER = '400000000000000001';
const DM_USER = '400000000000000002';
const MENTION_USER = '400000000000000003';
const DM_TEXT = '博通的股价为什么上升? (asked in a DM)';

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  // The model's own relevance bar, so that a question the article cannot answer is declined.
  running = await startBot(fake, { modelDir: await makeTinyModel(), env: { MIN_SCORE: '' } });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

function databaseFile(): string {
  return path.join(running.config.questionLog.dataDir, DATABASE_FILE);
}

function rows(sql: string): Array<Record<string, any>> {
  const db = new Database(databaseFile(), { readonly: true });
  try {
    return db.prepare(sql).all() as Array<Record<string, any>>;
  } finally {
    db.close();
  }
}

async function rowCount(count: number): Promise<void> {
  await fake.waitFor(() => rows('SELECT id FROM questions').length >= count, 5000, `${count} logged questions`);
}

describe('given questions by /ask, in a DM and by a mention', () => {
  it('then each is logged after its reply with its source, server, language, outcome, quoted paragraphs and latency', async () => {
    const slash = await fake.sendInteraction({
      name: 'ask',
      options: { question: '什么是杰文斯悖论?' },
      userId: SLASH_USER,
      locale: 'zh-CN',
    }).done;
    await replyTo(fake, fake.sendMessage({ content: DM_TEXT, dm: true, authorId: DM_USER }));
    const mention = await replyTo(
      fake,
      fake.sendMessage({ content: '英伟达市值一天蒸发了多少?', mentionBot: true, authorId: MENTION_USER }),
    );
    const declined = await fake.sendInteraction({ name: 'ask', options: { question: '😀🎉🔥👍' } }).done;
    await rowCount(4);

    expect(slash.embeds.length).toBeGreaterThan(0);
    expect(embedText(declined.embeds[0]!)).toContain('Not covered by the article');
    const logged = rows('SELECT * FROM questions ORDER BY id');
    expect(logged).toMatchObject([
      { source: 'slash', guild_id: fake.guildId, language: 'zh-Hans', question: '什么是杰文斯悖论?', answered: 1 },
      { source: 'dm', guild_id: null, language: 'zh-Hans', question: null, answered: 1 },
      {
        source: 'mention',
        guild_id: fake.guildId,
        language: 'zh-Hans',
        question: '英伟达市值一天蒸发了多少?',
        answered: 1,
      },
      { source: 'slash', language: 'en', question: '😀🎉🔥👍', answered: 0 },
    ]);
    for (const row of logged) {
      expect(row.answer_id).toMatch(/^[0-9a-z]{10}$/);
      expect(row.asker).toMatch(/^[0-9a-f]{32}$/);
      expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(logged.map((row) => row.answer_id)).size).toBe(4);

    const quoted = rows('SELECT question_id, rank, passage_id, score FROM quoted_passages ORDER BY question_id, rank');
    const slashQuoted = quoted.filter((row) => row.question_id === logged[0]!.id);
    expect(slashQuoted.map((row) => row.rank)).toEqual(slashQuoted.map((_, index) => index + 1));
    expect(slashQuoted.length).toBe(slash.embeds.length);
    expect(slashQuoted[0]!.passage_id).toMatch(/^wang-weijia-deepseek-wall-street\.txt#\d+$/);
    expect(quoted.filter((row) => row.question_id === logged[3]!.id)).toEqual([]);
    expect(mention.embeds.length).toBe(quoted.filter((row) => row.question_id === logged[2]!.id).length);
  });

  it('then neither a raw user id nor the DM’s text is in any file of DATA_DIR', async () => {
    const dataDir = running.config.questionLog.dataDir;
    const bytes = Buffer.concat(
      await Promise.all((await readdir(dataDir)).map((name) => readFile(path.join(dataDir, name)))),
    );
    expect(bytes.includes(fake.guildId)).toBe(true);
    for (const userId of [SLASH_USER, DM_USER, MENTION_USER]) expect(bytes.includes(userId)).toBe(false);
    expect(bytes.includes(Buffer.from(DM_TEXT))).toBe(false);
  });
});

describe('given a question log that cannot take a write', () => {
  it('then the question is answered all the same, and the failed write is logged as an error', async () => {
    const before = rows('SELECT id FROM questions').length;
    const other = new Database(databaseFile());
    other.exec('BEGIN IMMEDIATE');
    try {
      const state = await fake.sendInteraction({ name: 'ask', options: { question: '博通的股价为什么上升' } }).done;
      expect(state.embeds.length).toBeGreaterThan(0);
      await fake.waitFor(
        () => running.log.lines().some((line) => line.msg === 'could not write to the question log'),
        5000,
        'the failed write to be logged',
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(rows('SELECT id FROM questions').length).toBe(before);
    expect(errorLines(running.log).map((line) => line.msg)).toEqual(['could not write to the question log']);
  });
});

describe('given /about', () => {
  it('then it tells the asker what is kept and for how long', async () => {
    const state = await fake.sendInteraction({ name: 'about' }).done;
    const kept = state.embeds[0]!.fields.find((field: { name: string }) => field.name === 'What is kept');
    expect(kept.value).toContain('The asker is kept as a keyed hash, never as a user id.');
    expect(kept.value).toContain('The text of questions asked in DMs is not kept');
    expect(kept.value).toContain('All of it is deleted after 30 days.');
  });
});
