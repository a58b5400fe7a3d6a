import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuestionRecord, QuestionStore } from '../../src/store/question-store.js';
import { removeTempDirs } from '../support/fixtures.js';
import { storeBackends } from '../support/store-backends.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2025-03-10T12:00:00Z');

const backends = storeBackends();
let log: QuestionStore | undefined;

afterEach(async () => {
  await log?.close();
  log = undefined;
});
afterAll(async () => {
  for (const backend of backends) await backend.stop();
  await removeTempDirs();
});

let counter = 0;
function asked(daysAgo: number, overrides: Partial<QuestionRecord> = {}): QuestionRecord {
  counter += 1;
  return {
    answerId: `a${counter}`,
    askedAt: NOW - daysAgo * DAY_MS,
    source: 'slash',
    guildId: '271828182845904523',
    userId: `1000000000000000${String(counter).padStart(2, '0')}`,
    language: 'en',
    question: `question ${counter}`,
    outcome: 'answered',
    missing: [],
    quoted: [{ passageId: 'article.txt#24', score: 0.9 }],
    latencyMs: counter * 10,
    ...overrides,
  };
}

describe.each(backends)('given the question log in $name', (backend) => {
  // Each backend's run numbers its questions (and their latencies) from 1.
  beforeEach(() => {
    counter = 0;
  });

  async function logWith(records: QuestionRecord[]): Promise<QuestionStore> {
    ({ store: log } = await backend.open({ retentionDays: 365, now: () => NOW }));
    for (const record of records) log.recordQuestion(record);
    await log.flush();
    return log;
  }

  describe('given no questions yet', () => {
    it('then the report counts zero, has no percentiles, and still lists every day of the period', async () => {
      const report = await (await logWith([])).report(7);
      expect(report).toMatchObject({
        days: 7,
        questions: 0,
        answered: 0,
        declined: 0,
        votes: { up: 0, down: 0 },
        latencyMs: { p50: null, p95: null },
        unanswered: [],
        mostQuoted: [],
        mostDownVoted: [],
      });
      expect(report.perDay.map((day) => day.day)).toEqual([
        '2025-03-03',
        '2025-03-04',
        '2025-03-05',
        '2025-03-06',
        '2025-03-07',
        '2025-03-08',
        '2025-03-09',
        '2025-03-10',
      ]);
    });
  });

  describe('given questions over two weeks', () => {
    it('then the report covers only its period: counts, answered and declined, latency percentiles and questions per day', async () => {
      const records = [
        asked(10), // outside a week
        ...Array.from({ length: 20 }, (_, index) =>
          asked(index % 3, { outcome: index % 4 !== 0 ? 'answered' : 'declined' }),
        ),
      ];
      const report = await (await logWith(records)).report(7);

      expect(report).toMatchObject({ questions: 20, answered: 15, declined: 5 });
      // Latencies 20, 30, … 210 ms: the 10th and the 19th of 20 in order.
      expect(report.latencyMs).toEqual({ p50: 110, p95: 200 });
      expect(report.perDay.slice(-3)).toEqual([
        { day: '2025-03-08', answered: 5, partial: 0, declined: 1 },
        { day: '2025-03-09', answered: 5, partial: 0, declined: 2 },
        { day: '2025-03-10', answered: 5, partial: 0, declined: 2 },
      ]);
      expect(report.perDay.slice(0, -3).every((day) => day.answered + day.declined === 0)).toBe(true);
      expect((await log!.report(30)).questions).toBe(21);
    });

    it('then the unanswered questions are grouped however they were capitalised or spaced, most asked first, at most 10', async () => {
      const declined = (question: string, daysAgo = 1) => asked(daysAgo, { question, outcome: 'declined', quoted: [] });
      const records = [
        declined('What does Apple think?'),
        declined('what does apple think? '),
        declined('WHAT DOES APPLE THINK?', 0),
        declined('台积电怎么样?'),
        declined('台积电怎么样?'),
        ...Array.from({ length: 12 }, (_, index) => declined(`rare question ${index}`)),
        asked(1, { question: 'an answered question' }),
        declined('asked in a DM, not kept', 1),
      ];
      records.at(-1)!.guildId = null;
      records.at(-1)!.source = 'dm';
      const report = await (await logWith(records)).report(7);

      expect(report.unanswered).toHaveLength(10);
      expect(report.unanswered.slice(0, 2)).toEqual([
        { question: 'WHAT DOES APPLE THINK?', count: 3 }, // shown as most recently asked
        { question: '台积电怎么样?', count: 2 },
      ]);
      expect(report.unanswered.slice(2).every((entry) => entry.count === 1)).toBe(true);
      expect(report.declinedWithoutText).toBe(1);
    });

    it('then the most quoted paragraphs and the most down-voted ones are ranked, with the votes of the period', async () => {
      const records = [
        asked(1, { answerId: 'broadcom', quoted: [{ passageId: 'article.txt#24', score: 0.9 }] }),
        asked(1, {
          answerId: 'jevons',
          quoted: [
            { passageId: 'article.txt#9', score: 0.8 },
            { passageId: 'article.txt#24', score: 0.5 },
          ],
        }),
        asked(1, { answerId: 'nvidia', quoted: [{ passageId: 'article.txt#3', score: 0.7 }] }),
      ];
      const stats = await logWith(records);
      await stats.recordVote({ answerId: 'jevons', userId: '200000000000000001', value: -1 });
      await stats.recordVote({ answerId: 'jevons', userId: '200000000000000002', value: -1 });
      await stats.recordVote({ answerId: 'broadcom', userId: '200000000000000001', value: 1 });
      await stats.recordVote({ answerId: 'nvidia', userId: '200000000000000001', value: -1 });
      const report = await stats.report(7);

      expect(report.votes).toEqual({ up: 1, down: 3 });
      expect(report.mostQuoted).toEqual([
        { passageId: 'article.txt#24', count: 2 },
        { passageId: 'article.txt#3', count: 1 },
        { passageId: 'article.txt#9', count: 1 },
      ]);
      expect(report.mostDownVoted).toEqual([
        { passageId: 'article.txt#9', down: 2, up: 0 },
        { passageId: 'article.txt#24', down: 2, up: 1 },
        { passageId: 'article.txt#3', down: 1, up: 0 },
      ]);
    });
  });

  describe('given partial answers, each naming words the article lacks', () => {
    it('then they are counted apart from answered and declined, per period and per day', async () => {
      const partial = (daysAgo: number, missing: string[]) => asked(daysAgo, { outcome: 'partial', missing });
      const report = await (
        await logWith([
          asked(0),
          partial(0, ['创始人']),
          partial(1, ['创始人', '总部']),
          asked(1, { outcome: 'declined', quoted: [] }),
        ])
      ).report(7);
      expect(report).toMatchObject({ questions: 4, answered: 1, partial: 2, declined: 1 });
      expect(report.perDay.slice(-2)).toEqual([
        { day: '2025-03-09', answered: 0, partial: 1, declined: 1 },
        { day: '2025-03-10', answered: 1, partial: 1, declined: 0 },
      ]);
    });

    it('then the words missing most often are the article’s coverage gaps, most frequent (then most recent) first, within the period', async () => {
      const report = await (
        await logWith([
          asked(1, { outcome: 'partial', missing: ['创始人', '总部'] }),
          asked(2, { outcome: 'partial', missing: ['创始人'] }),
          asked(3, { outcome: 'partial', missing: ['founder'] }),
          asked(40, { outcome: 'partial', missing: ['总部', '总部'] }),
        ])
      ).report(7);
      expect(report.coverageGaps).toEqual([
        { word: '创始人', count: 2 },
        { word: '总部', count: 1 }, // as often as founder, but asked more recently
        { word: 'founder', count: 1 },
      ]);
    });

    it('then the missing words of a question whose text is not kept (a DM) are not kept either', async () => {
      const report = await (
        await logWith([asked(1, { outcome: 'partial', missing: ['创始人'], source: 'dm', guildId: null })])
      ).report(7);
      expect(report).toMatchObject({ partial: 1, coverageGaps: [] });
    });
  });

  describe('given questions asked in each installation context', () => {
    it('then the report counts them by place, within its period only', async () => {
      const report = await (
        await logWith([
          asked(10, { installation: 'user-in-server' }), // outside a week
          asked(1, { installation: 'server' }),
          asked(1, { installation: 'user-in-server' }),
          asked(0, { installation: 'user-in-server' }),
          asked(0, { installation: 'bot-dm', source: 'dm', guildId: null }),
          asked(0, { installation: 'private-channel', guildId: null }),
        ])
      ).report(7);
      expect(report.byInstallation).toEqual({ server: 1, 'user-in-server': 2, 'bot-dm': 1, 'private-channel': 1 });
    });
  });
});
