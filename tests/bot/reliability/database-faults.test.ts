import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/bot/metrics.js';
import { PostgresQuestionLog } from '../../../src/store/postgres/question-log.js';
import { ADMIN_USER_ID, HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';
import {
  FakeDiscord,
  type AttachmentInput,
  type InteractionState,
  type MessageRecord,
} from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { quotedParagraphs, replyTo } from '../../support/reliability.js';

let fake: FakeDiscord;
let server: TestPostgres;
let url: string;
let questionLog: PostgresQuestionLog;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  server = await startPostgres();
  url = await server.createDatabase();
  questionLog = new PostgresQuestionLog({
    url,
    shownUrl: url,
    keepQuestions: true,
    keepDmText: true,
    retentionDays: 30,
    retryMs: 200,
  });
  running = await startBot(fake, { modelDir: await makeTinyModel(), env: { DATABASE_URL: url }, questionLog });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await server?.stop();
  await removeTempDirs();
});

let asked = 0;
/** Asks a question in a mention, from a user of its own (the rate limit is not under test), and awaits the answer. */
async function askAndAwaitAnswer(): Promise<{ text: string; reply: MessageRecord }> {
  asked += 1;
  const text = `What is the Jevons paradox? (question ${asked})`;
  const message = fake.sendMessage({
    content: text,
    mentionBot: true,
    authorId: `1000000000000${String(asked).padStart(5, '0')}`,
  });
  return { text, reply: await replyTo(fake, message) };
}

describe('given PostgreSQL restarted while questions are being answered', () => {
  it('then every question is answered meanwhile, and afterwards the log holds every question that was answered', async () => {
    const answered: string[] = [];
    const askSome = async (count: number) => {
      for (let index = 0; index < count; index++) {
        const { text, reply } = await askAndAwaitAnswer();
        expect(quotedParagraphs(reply).length).toBeGreaterThan(0);
        answered.push(text);
      }
    };

    await askSome(4);
    await server.stopServer();
    try {
      await askSome(4);
      expect(questionLog.counts.buffered).toBeGreaterThan(0);
    } finally {
      await server.startServer();
    }
    await askSome(4);

    // A question is handed to the log just after its reply: wait for the last ones to be written (a lost one
    // never is, and fails the check below).
    const deadline = Date.now() + 20_000;
    while (questionLog.counts.written < answered.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await questionLog.flush();
    const logged = await server.rows(url, 'SELECT question FROM questions');
    expect(logged.map((row) => row.question).sort()).toEqual([...answered].sort());
    expect(questionLog.counts).toMatchObject({ written: 12, refused: 0, overflowed: 0, buffered: 0 });

    const metrics = createMetrics(
      running.bot.client,
      { current: undefined, whenReady: () => new Promise(() => undefined) },
      questionLog,
    );
    try {
      const text = await metrics.registry.metrics();
      expect(text).toContain('article_bot_question_log_writes_total{outcome="written"} 12');
      expect(text).toContain('article_bot_question_log_writes_total{outcome="overflowed"} 0');
      expect(text).toContain('article_bot_question_log_buffered 0');
    } finally {
      metrics.close();
    }
  }, 90_000);
});

const ARTICLE = 'wang-weijia-deepseek-wall-street.txt';
const NOTE = '# 补充说明\n\n苹果公司没有参与这场竞争。\n\n台积电的产能依旧紧张。\n';
const TRY_LATER =
  'The database the bot’s processes share cannot be reached just now, so nothing was changed. Questions are still answered from the current index. Please try again later.';

/** An admin's /corpus add or /reindex, once its reply is final (progress edits come first). */
function adminCommand(
  name: 'corpus' | 'reindex',
  isFinal: (content: string) => boolean,
  options: Record<string, AttachmentInput> = {},
): Promise<InteractionState> {
  const handle = fake.sendInteraction({
    name,
    ...(name === 'corpus' ? { subcommand: 'add' } : {}),
    options,
    userId: ADMIN_USER_ID,
  });
  return handle.waitFor((state) => isFinal(state.content ?? ''), 20_000).then(() => handle.settled(20_000));
}

describe('given PostgreSQL unreachable when an admin changes the corpus', () => {
  it('then questions are still answered, /corpus add and /reindex are told ephemerally to try again later, and once it is back nothing was lost and the change goes through', async () => {
    const knowledgeBase = await running.bot.ready;
    const version = knowledgeBase.corpusVersion!;
    const note = { file: { filename: 'note.md', data: NOTE } };

    await server.stopServer();
    try {
      const refused = await adminCommand('corpus', (content) => content === TRY_LATER, note);
      expect(refused.ephemeral).toBe(true);
      const reindex = await adminCommand('reindex', (content) => content === TRY_LATER);
      expect(reindex.ephemeral).toBe(true);
      const { reply } = await askAndAwaitAnswer();
      expect(quotedParagraphs(reply).length).toBeGreaterThan(0);
      expect(knowledgeBase.corpusVersion).toBe(version);
    } finally {
      await server.startServer();
    }

    expect(await server.rows(url, 'SELECT name FROM corpus_documents')).toEqual([{ name: ARTICLE }]);
    expect(await server.rows(url, 'SELECT MAX(version) AS version FROM corpus_versions')).toEqual([{ version }]);
    const added = await adminCommand('corpus', (content) => /^Added /.test(content), note);
    expect(added.content!.split('\n')[0]).toBe('Added note.md (UTF-8, 2 passages).');
    expect(knowledgeBase.corpusVersion).toBe(version + 1);
    expect((await server.rows(url, 'SELECT name FROM corpus_documents ORDER BY name')).map((row) => row.name)).toEqual([
      'note.md',
      ARTICLE,
    ]);
  }, 90_000);
});
