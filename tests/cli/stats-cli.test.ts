import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuestionLog } from '../../src/store/question-log.js';
import { removeTempDirs, tempDir } from '../support/fixtures.js';
import { runCli } from '../support/processes.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let dataDir: string;

/** `npm run stats -- …` as a user runs it, with only DATA_DIR set. */
async function stats(args: string[]) {
  return runCli('stats-cli.ts', args, { DATA_DIR: dataDir, LOG_FORMAT: 'json' });
}

beforeAll(async () => {
  dataDir = await tempDir('data-');
  const log = QuestionLog.open({ dataDir, keepQuestions: true, keepDmText: false, retentionDays: 30 });
  const now = Date.now();
  const ask = (answerId: string, daysAgo: number, answered: boolean, question: string) =>
    log.recordQuestion({
      answerId,
      askedAt: now - daysAgo * DAY_MS,
      source: 'slash',
      guildId: '271828182845904523',
      userId: '314159265358979323',
      language: 'zh-Hans',
      question,
      outcome: answered ? 'answered' : 'declined',
      missing: [],
      quoted: answered ? [{ passageId: 'article.txt#24', score: 0.9 }] : [],
      latencyMs: 100,
    });
  ask('a1', 0, true, '博通的股价为什么上升');
  ask('a2', 1, true, '博通怎么了');
  ask('a3', 2, false, '苹果公司怎么看?');
  ask('a4', 12, false, '苹果公司怎么看?');
  await log.flush();
  await log.recordVote({ answerId: 'a1', userId: '314159265358979323', value: -1 });
  await log.close();
});

afterAll(removeTempDirs);

describe('given `npm run stats -- --json`', () => {
  it('then stdout is one JSON document with numeric questions, answered and declined at its top', async () => {
    const { code, stdout } = await stats(['--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      days: 7,
      questions: 3,
      answered: 2,
      declined: 1,
      votes: { up: 0, down: 1 },
      latencyMs: { p50: 100, p95: 100 },
      unanswered: [{ question: '苹果公司怎么看?', count: 1 }],
      mostQuoted: [{ passageId: 'article.txt#24', count: 2 }],
      mostDownVoted: [{ passageId: 'article.txt#24', down: 1, up: 0 }],
    });
    expect((report.perDay as unknown[]).length).toBe(8);
  });

  it('then --days 30 covers the older question too', async () => {
    const report = JSON.parse((await stats(['--json', '--days', '30'])).stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ days: 30, questions: 4, declined: 2, unanswered: [{ count: 2 }] });
  });
});

describe('given `npm run stats` on a terminal', () => {
  it('then it prints the same report as text, and --chart writes the chart as a PNG', async () => {
    const chartFile = path.join(await tempDir('chart-'), 'per-day.png');
    const { code, stdout, stderr } = await stats(['--chart', chartFile]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Questions over the last 7 days \(/);
    expect(stdout).toContain('  questions  3\n  answered   2 (67%)\n  declined   1 (33%)\n  feedback   0 up, 1 down\n');
    expect(stdout).toContain('Asked most, not answered:\n  1. (1x) 苹果公司怎么看?\n');
    expect(stdout).toContain('Down-voted most:\n  article.txt#24  1 down, 0 up\n');
    expect(stderr).toContain(`Wrote the chart of questions per day to ${chartFile}.`);
    expect((await readFile(chartFile)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('then a bad --days is refused with the usage and exit code 2', async () => {
    const { code, stderr } = await stats(['--days', 'lots']);
    expect(code).toBe(2);
    expect(stderr).toContain('--days must be a whole number from 1 to 3650');
    expect(stderr).toContain('Usage: npm run stats');
  });
});
