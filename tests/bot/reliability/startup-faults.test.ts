import { cp, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../../src/core/knowledge-base.js';
import { silentLogger } from '../../../src/logger.js';
import { openKnowledgeBase } from '../../../src/startup/open-knowledge-base.js';
import { DATABASE_FILE } from '../../../src/store/database.js';
import { SCHEMA_VERSION } from '../../../src/store/migrations.js';
import { QuestionLog } from '../../../src/store/question-log.js';
import { errorLines, HEARTBEAT_MS, startBot } from '../../support/bot-harness.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { copyOfCorpus, makeTinyModel, removeTempDirs, tempDir, testConfig } from '../../support/fixtures.js';
import { freeLoopbackPort } from '../../support/postgres.js';
import { runScript, STACK_FRAME } from '../../support/processes.js';
import { KNOWN_ANSWERS, quotedParagraphs, shared } from '../../support/reliability.js';

let fake: FakeDiscord;
let modelDir: string;
let corpusPath: string;
/** A good index of `corpusPath`, built once; each test damages a copy. */
let builtIndex: string;
/** The model, loaded once for every bot of this file (see `shared`). */
let original: KnowledgeBase;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  modelDir = await makeTinyModel();
  corpusPath = await copyOfCorpus();
  builtIndex = await tempDir('index-');
  original = await openKnowledgeBase(
    testConfig({ EMBEDDING_MODEL: modelDir, CORPUS_PATH: corpusPath, INDEX_DIR: builtIndex }),
    silentLogger,
  );
});

afterAll(async () => {
  await original?.close();
  await fake?.close();
  await removeTempDirs();
});

async function currentIndexDirectory(indexDir: string): Promise<string> {
  return path.join(indexDir, (await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim());
}

describe('given a damaged index at start-up', () => {
  it.each([
    ['a truncated vector file', (directory: string) => truncate(path.join(directory, 'vectors.hnsw'), 100)],
    [
      'a lexical index overwritten with garbage',
      (directory: string) => writeFile(path.join(directory, 'lexical.json'), '{"garbage": tru'),
    ],
    ['a truncated manifest', (directory: string) => truncate(path.join(directory, 'manifest.json'), 40)],
    [
      'a garbled CURRENT pointer',
      async (directory: string) => writeFile(path.join(path.dirname(directory), 'CURRENT'), '../../etc\n'),
    ],
  ])('then, given %s, the bot logs a warning, rebuilds it, and answers correctly', async (_damage, damage) => {
    const indexDir = await tempDir('index-');
    await cp(builtIndex, indexDir, { recursive: true });
    await damage(await currentIndexDirectory(indexDir));

    const running = await startBot(fake, {
      corpusPath,
      env: { INDEX_DIR: indexDir },
      // The bot's own start-up path from here on: KnowledgeBase.open finds the damage and rebuilds.
      openKnowledgeBase: (config, logger) =>
        KnowledgeBase.open({
          corpusPath: config.corpusPath,
          indexDir: config.indexDir,
          embedder: shared(original.embedder),
          logger,
          minScore: config.retrieval.minScore,
        }),
    });
    try {
      const warning = running.log.lines().find((line) => line.msg === 'the persisted index is damaged; rebuilding it');
      expect(warning).toMatchObject({ level: 40 });
      expect(String(warning!.reason)).toMatch(/damaged|unreadable|garbled|unknown format/);
      expect(running.log.lines().some((line) => line.msg === 'built the index')).toBe(true);

      for (const { question, paragraph } of KNOWN_ANSWERS.slice(0, 3)) {
        expect(quotedParagraphs(await fake.sendInteraction({ name: 'ask', options: { question } }).done)[0]).toBe(
          paragraph,
        );
      }
      expect(errorLines(running.log)).toEqual([]);
    } finally {
      await running.bot.stop();
    }
  });
});

describe('given a corpus or a model the bot cannot use, `npm start`', () => {
  async function start(env: Record<string, string>) {
    const main = await runScript('src/bot/main.ts', [], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      EMBEDDING_MODEL: modelDir,
      CORPUS_PATH: corpusPath,
      INDEX_DIR: await tempDir('index-'),
      LOG_FORMAT: 'json',
      ...env,
    });
    return { ...(await main.exited), stderr: main.stderr() };
  }

  it('then stops with exit code 1 and a message that says what is wrong, without a stack trace', async () => {
    const emptyModel = await tempDir('empty-model-');
    const brokenModel = path.join(await tempDir('broken-model-'), 'model');
    await cp(modelDir, brokenModel, { recursive: true });
    await writeFile(path.join(brokenModel, 'onnx', 'model_quantized.onnx'), 'not an onnx graph');

    const [missingCorpus, modelWithoutFiles, corruptModel] = await Promise.all([
      start({ CORPUS_PATH: '/nonexistent/article.txt' }),
      start({ EMBEDDING_MODEL: emptyModel }),
      start({ EMBEDDING_MODEL: brokenModel }),
    ]);

    expect(missingCorpus.code, missingCorpus.stderr).toBe(1);
    expect(missingCorpus.stderr).toContain(
      'The corpus at /nonexistent/article.txt cannot be read (ENOENT). Set CORPUS_PATH to a .txt/.md file or to a directory of them.',
    );
    expect(modelWithoutFiles.code, modelWithoutFiles.stderr).toBe(1);
    expect(modelWithoutFiles.stderr).toContain(
      `The embedding model directory ${emptyModel} cannot be used: the model directory ${emptyModel} lacks config.json, tokenizer.json, onnx/model_quantized.onnx.`,
    );
    for (const run of [missingCorpus, modelWithoutFiles, corruptModel]) {
      expect(run.stderr).not.toMatch(STACK_FRAME);
      expect(run.stderr).not.toContain('"stack"'); // nor one inside a JSON log line
      expect(run.stderr).not.toContain('"level":60'); // expected problems are not "fatal" crashes
    }

    // A model file that is not a model at all: the same clear message, naming the directory, as a line of its own
    // (the model library's own trace of the failed load is held back).
    expect(corruptModel.code, corruptModel.stderr).toBe(1);
    expect(corruptModel.stderr.split('\n')).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^The embedding model directory ${brokenModel.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be used: .+\\. EMBEDDING_MODEL must point at`,
        ),
      ),
    );
  }, 60_000);
});

describe('given a question log written by a newer version of the bot, `npm start`', () => {
  it('then stops with exit code 1, saying so and what to do, without a stack trace and without touching the file', async () => {
    const dataDir = await tempDir('data-');
    QuestionLog.open({ dataDir, keepQuestions: true, keepDmText: false, retentionDays: 30 }).closeNow();
    const file = path.join(dataDir, DATABASE_FILE);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();

    const main = await runScript('src/bot/main.ts', [], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      EMBEDDING_MODEL: modelDir,
      CORPUS_PATH: corpusPath,
      INDEX_DIR: await tempDir('index-'),
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
    });
    const exit = await main.exited;

    expect(exit.code, main.stderr()).toBe(1);
    expect(main.stderr()).toContain(
      `The question log ${file} has schema version ${SCHEMA_VERSION + 1}, but this version of the bot knows only up to ${SCHEMA_VERSION}`,
    );
    expect(main.stderr()).not.toMatch(STACK_FRAME);
    const reopened = new Database(file, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    reopened.close();
  }, 60_000);
});

describe('given DATABASE_URL pointing where no PostgreSQL answers, `npm start`', () => {
  it('then stops with exit code 1 and a message naming DATABASE_URL, its password masked, before connecting to Discord', async () => {
    const identifiesBefore = fake.identifyCount;
    const main = await runScript('src/bot/main.ts', [], {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      EMBEDDING_MODEL: modelDir,
      CORPUS_PATH: corpusPath,
      INDEX_DIR: await tempDir('index-'),
      DATABASE_URL: `postgres://bot:pg-s3cret@127.0.0.1:${await freeLoopbackPort()}/bot`,
      LOG_FORMAT: 'json',
    });
    const exit = await main.exited;

    expect(exit.code, main.stderr()).toBe(1);
    expect(main.stderr()).toMatch(
      /The question log's database postgres:\/\/bot:\*\*\*@127\.0\.0\.1:\d+\/bot \(DATABASE_URL\) cannot be reached: .+\. Check DATABASE_URL and that PostgreSQL is running\./,
    );
    expect(main.stderr()).not.toContain('pg-s3cret');
    expect(main.stderr()).not.toMatch(STACK_FRAME);
    expect(fake.identifyCount).toBe(identifiesBefore);
  }, 60_000);
});
