import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { runScript } from '../../support/processes.js';

let fake: FakeDiscord;
let modelDir: string;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  modelDir = await makeTinyModel();
  running = await startBot(fake, { modelDir });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

function indexCli(args: string[]) {
  return runScript('src/cli/index-cli.ts', args, {
    CORPUS_PATH: running.corpusPath,
    INDEX_DIR: running.config.indexDir,
    EMBEDDING_MODEL: modelDir,
    LOG_LEVEL: 'warn',
  });
}

describe('given `npm run index -- --force` run beside a running bot', () => {
  it('then it refuses, says to use /reindex, and leaves the bot’s index and its build in progress alone', async () => {
    const { indexDir } = running.config;
    const current = await readFile(path.join(indexDir, 'CURRENT'), 'utf8');
    // What a rebuild of the bot's leaves while it writes: a second writer used to delete it as a leftover.
    const building = path.join(indexDir, '.building-in-progress');
    await mkdir(building);

    const indexing = await indexCli(['--force']);
    expect((await indexing.exited).code).toBe(1);
    expect(indexing.stderr()).toMatch(/held by another process \(pid \d+ .*\/reindex/s);
    expect(indexing.stderr()).not.toMatch(/^\s+at /m);
    expect(await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).toBe(current);
    expect((await stat(building)).isDirectory()).toBe(true);
  }, 60_000);

  it('then without --force it only reads, and reports the index up to date', async () => {
    const checking = await indexCli([]);
    expect((await checking.exited).code).toBe(0);
    expect(checking.stderr()).toMatch(/Index is up to date/);
  }, 60_000);

  it('then once the bot has stopped, it rebuilds', async () => {
    await running.bot.stop();
    const indexing = await indexCli(['--force']);
    expect((await indexing.exited).code).toBe(0);
    expect(indexing.stderr()).toMatch(/Built the index/);
  }, 60_000);
});
