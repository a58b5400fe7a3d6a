import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/database.js';
import { QuestionLog } from '../../src/store/question-log.js';
import { removeTempDirs, tempDir } from '../support/fixtures.js';
import { runScript } from '../support/processes.js';

afterAll(removeTempDirs);

function committedSoFar(stdout: string): number {
  const counts = [...stdout.matchAll(/^committed (\d+)$/gm)].map((match) => Number(match[1]));
  return counts.at(-1) ?? 0;
}

describe('given a process killed with SIGKILL while it writes to the question log', () => {
  it('then every question it had committed is there, the database is intact, and the log opens and writes again', async () => {
    const dataDir = await tempDir('data-');
    const writer = await runScript('tests/support/question-log-writer.ts', [dataDir], {});
    const deadline = Date.now() + 30_000;
    while (committedSoFar(writer.stdout()) < 500 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    writer.child.kill('SIGKILL');
    expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const reported = committedSoFar(writer.stdout());
    expect(reported).toBeGreaterThanOrEqual(500);

    const db = new Database(path.join(dataDir, DATABASE_FILE));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const { count, quoted } = db
        .prepare('SELECT COUNT(*) AS count, (SELECT COUNT(*) FROM quoted_passages) AS quoted FROM questions')
        .get() as { count: number; quoted: number };
      // What it printed was committed; it may have committed one more batch before the kill landed.
      expect(count).toBeGreaterThanOrEqual(reported);
      expect(count % 10).toBe(0); // whole transactions only
      expect(quoted).toBe(count);
    } finally {
      db.close();
    }

    const reopened = QuestionLog.open({ dataDir, keepQuestions: true, keepDmText: false, retentionDays: 30 });
    try {
      expect((await reopened.report(1)).questions).toBeGreaterThanOrEqual(reported);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
