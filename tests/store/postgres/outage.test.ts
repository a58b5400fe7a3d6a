import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresQuestionLog } from '../../../src/store/postgres/question-log.js';
import type { QuestionRecord } from '../../../src/store/question-store.js';
import { capturingLogger } from '../../support/fixtures.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

function question(answerId: string): QuestionRecord {
  return {
    answerId,
    askedAt: Date.now(),
    source: 'mention',
    guildId: '271828182845904523',
    userId: '314159265358979323',
    language: 'en',
    question: `question ${answerId}`,
    outcome: 'answered',
    missing: [],
    quoted: [{ passageId: 'article.txt#9', score: 0.9 }],
    latencyMs: 50,
  };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition was not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('given PostgreSQL becomes unreachable while questions are recorded, then comes back', () => {
  it('then the questions wait in a bounded buffer, what overflows is counted and logged once, and the rest are written when it is back', async () => {
    const url = await server.createDatabase();
    const captured = capturingLogger('info');
    const log = new PostgresQuestionLog({
      url,
      shownUrl: url,
      keepQuestions: true,
      keepDmText: false,
      retentionDays: 30,
      logger: captured.logger,
      bufferLimit: 5,
      retryMs: 100,
    });
    await log.start();
    try {
      log.recordQuestion(question('before'));
      await log.flush();

      await server.stopServer();
      for (let index = 1; index <= 8; index++) log.recordQuestion(question(`during-${index}`));
      await log.flush();
      expect(log.counts).toMatchObject({ written: 1, buffered: 5, overflowed: 3 });
      const errors = captured.lines().filter((line) => line.level === 50);
      expect(errors.slice(0, 2).map((line) => line.msg)).toEqual([
        'the question log buffer is full while the database is unreachable: new questions are not recorded',
        'the question log database is unreachable: questions are kept in memory and written when it is back',
      ]);

      expect(await log.recordVote({ answerId: 'before', userId: '1', value: 1 })).toBe('failed');
      await expect(log.report(1)).rejects.toThrow();

      await server.startServer();
      await until(() => log.counts.buffered === 0);
      expect(await server.rows(url, 'SELECT answer_id FROM questions ORDER BY id')).toEqual(
        ['before', 'during-1', 'during-2', 'during-3', 'during-4', 'during-5'].map((answerId) => ({
          answer_id: answerId,
        })),
      );
      expect(await server.rows(url, 'SELECT COUNT(*) AS n FROM quoted_passages')).toEqual([{ n: 6 }]);
      expect(log.counts).toMatchObject({ written: 6, refused: 0, overflowed: 3, buffered: 0 });
      expect(captured.lines()).toContainEqual(
        expect.objectContaining({
          msg: 'the question log database is back: the questions kept meanwhile are written',
          overflowed: 3,
        }),
      );
      // Votes and the report need the database: a vote fails plainly meanwhile, and both work once it is back.
      expect(await log.recordVote({ answerId: 'before', userId: '1', value: 1 })).toBe('recorded');
      expect((await log.report(1)).questions).toBe(6);
    } finally {
      await log.close();
    }
  });
});
