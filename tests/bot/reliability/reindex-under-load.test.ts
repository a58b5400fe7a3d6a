import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDING_CACHE_DIR } from '../../../src/core/embedding/embedding-cache.js';
import { KnowledgeBase } from '../../../src/core/knowledge-base.js';
import {
  ADMIN_USER_ID,
  controllable,
  errorLines,
  HEARTBEAT_MS,
  MANAGE_GUILD_PERMISSIONS,
  startBot,
  type RunningBot,
} from '../../support/bot-harness.js';
import { FakeDiscord, type InteractionState } from '../../support/fake-discord.js';
import { makeTinyModel, PROJECT_ROOT, removeTempDirs, tempDir } from '../../support/fixtures.js';
import { LOCK_FILE } from '../../../src/core/index/index-lock.js';
import { runScript } from '../../support/processes.js';
import {
  expectNobodyPinged,
  KNOWN_ANSWERS,
  openInstrumented,
  quotedParagraphs,
  replyTo,
  shared,
  type InstrumentedEmbedder,
} from '../../support/reliability.js';

const REBUILT =
  /^Index rebuilt in \d+\.\d s: 25 passages \(before: 25\); 0 added, 0 removed, 0 changed; \d+ embedded now, 0 reused\. Answers now come from the new index\.$/;
const FAILED = /^The rebuild failed, so the previous index keeps answering questions\. Reason: /;

let fake: FakeDiscord;
let running: RunningBot;
let embedder: InstrumentedEmbedder;
let knowledgeBase: KnowledgeBase;
let modelDir: string;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  modelDir = await makeTinyModel();
  running = await startBot(fake, {
    modelDir,
    openKnowledgeBase: async (config, logger) => {
      const opened = await openInstrumented(config, logger);
      embedder = opened.embedder;
      return opened.knowledgeBase;
    },
  });
  knowledgeBase = await running.bot.ready;
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

function reindex(userId = ADMIN_USER_ID) {
  return fake.sendInteraction({ name: 'reindex', userId, memberPermissions: MANAGE_GUILD_PERMISSIONS });
}

const finished = (state: InteractionState) => /Index rebuilt|rebuild failed/.test(state.content ?? '');

/** Questions from distinct users, slash commands and DMs alternating; resolves with each first quoted paragraph and the expected one. */
function burst(count: number, offset = 0): Promise<Array<{ expected: number; got: number | undefined }>> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const { question, paragraph } = KNOWN_ANSWERS[(index + offset) % KNOWN_ANSWERS.length]!;
      const answer =
        index % 2 === 0
          ? await fake.sendInteraction({ name: 'ask', options: { question } }).settled(20_000)
          : await replyTo(fake, fake.sendMessage({ content: question, dm: true }), 20_000);
      return { expected: paragraph, got: quotedParagraphs(answer)[0] };
    }),
  );
}

function reindexedLines(): number {
  return running.log.lines().filter((line) => line.msg === 'reindexed').length;
}

describe('given a /reindex in the middle of a burst of questions', () => {
  it('then every question, before, during and after the rebuild, is answered correctly, and the new index serves afterwards', async () => {
    const builtAt = knowledgeBase.manifest.builtAt;
    const hold = controllable<void>();
    embedder.holdPassages = hold.promise;
    try {
      const before = burst(30);
      const rebuild = reindex();
      await fake.waitFor(
        () => knowledgeBase.isRebuilding && embedder.calls.some((call) => call.kind === 'passage'),
        5000,
        'the rebuild to reach its embedding',
      );

      // The rebuild is held in its embedding phase: these are answered from the old index meanwhile.
      const during = await burst(30, 3);
      expect(knowledgeBase.isRebuilding).toBe(true);
      expect(knowledgeBase.manifest.builtAt).toBe(builtAt);

      hold.resolve();
      const rebuilt = await rebuild.waitFor(finished, 15_000);
      expect(rebuilt.content).toMatch(REBUILT);
      const after = await burst(20, 5);

      for (const answer of [...(await before), ...during, ...after]) expect(answer.got).toBe(answer.expected);
      expect(knowledgeBase.manifest.builtAt).not.toBe(builtAt);
    } finally {
      embedder.holdPassages = undefined;
      hold.resolve();
    }
  }, 30_000);
});

describe('given two /reindex at the same time', () => {
  it('then they share one rebuild: one embedding of the corpus, one "reindexed", and both admins see it finish', async () => {
    const rebuilds = reindexedLines();
    const hold = controllable<void>();
    embedder.holdPassages = hold.promise;
    const passageCallsBefore = embedder.calls.filter((call) => call.kind === 'passage').length;
    try {
      const first = reindex();
      await fake.waitFor(() => knowledgeBase.isRebuilding, 5000, 'the first rebuild to start');
      const second = fake.sendInteraction({ name: 'reindex', userId: ADMIN_USER_ID, dm: true });
      await second.waitFor((state) => state.edits.length > 0, 5000);
      hold.resolve();

      const [one, two] = await Promise.all([first.waitFor(finished, 15_000), second.waitFor(finished, 15_000)]);
      expect(one.content).toMatch(REBUILT);
      expect(two.content).toMatch(
        /^A rebuild was already running, so I am following it instead of starting another\.\nIndex rebuilt/,
      );
    } finally {
      embedder.holdPassages = undefined;
      hold.resolve();
    }
    expect(reindexedLines()).toBe(rebuilds + 1);
    const passageTexts = embedder.calls
      .filter((call) => call.kind === 'passage')
      .slice(passageCallsBefore)
      .reduce((sum, call) => sum + call.texts, 0);
    expect(passageTexts).toBe(knowledgeBase.manifest.windows.length); // every window embedded exactly once
  });
});

describe('given a rebuild that fails', () => {
  it('then an unreadable corpus leaves the old index answering and tells the admin why', async () => {
    const builtAt = knowledgeBase.manifest.builtAt;
    const hidden = `${running.corpusPath}.hidden`;
    await rename(running.corpusPath, hidden);
    try {
      const state = await reindex().waitFor(finished, 15_000);
      expect(state.ephemeral).toBe(true);
      expect(state.content).toMatch(FAILED);
      expect(state.content).toContain(`The corpus at ${running.corpusPath} cannot be read (ENOENT)`);
      for (const answer of await burst(6)) expect(answer.got).toBe(answer.expected);
    } finally {
      await rename(hidden, running.corpusPath);
    }
    expect(knowledgeBase.manifest.builtAt).toBe(builtAt);
    expect(knowledgeBase.isRebuilding).toBe(false);
  });

  it('then a model that fails mid-rebuild leaves the old index answering, tells the admin why, and a later /reindex works', async () => {
    const builtAt = knowledgeBase.manifest.builtAt;
    embedder.failPassages = new Error('the embedding worker exited with code 134');
    try {
      const state = await reindex().waitFor(finished, 15_000);
      expect(state.content).toMatch(FAILED);
      expect(state.content).toContain('Reason: the embedding worker exited with code 134');
      expect(knowledgeBase.manifest.builtAt).toBe(builtAt);
      for (const answer of await burst(6, 2)) expect(answer.got).toBe(answer.expected);
    } finally {
      embedder.failPassages = undefined;
    }
    const warnings = running.log
      .lines()
      .filter((line) => line.msg === 'reindex failed; the previous index keeps serving');
    expect(warnings).toHaveLength(2);
    for (const line of warnings) expect(line).toMatchObject({ level: 40, user: ADMIN_USER_ID });

    const retried = await reindex().waitFor(finished, 15_000);
    expect(retried.content).toMatch(REBUILT);
    expect(knowledgeBase.manifest.builtAt).not.toBe(builtAt);
  });

  it('then none of it was logged as an error, and nobody was pinged', () => {
    expect(errorLines(running.log)).toEqual([]);
    expectNobodyPinged(fake);
  });
});

describe('given a process killed while it rebuilds the index', () => {
  const COPIES = 45;

  it('then the next start loads the old index intact, embedding nothing, and answers correctly', async () => {
    const corpusPath = await tempDir('corpus-');
    const article = path.join(PROJECT_ROOT, 'corpus', 'wang-weijia-deepseek-wall-street.txt');
    await cp(article, path.join(corpusPath, 'copy-00.txt'));
    const indexDir = await tempDir('index-');
    // The bot's model (the same directory the child process loads), shared rather than loaded again (see `shared`).
    const model = shared(embedder);
    const original = await KnowledgeBase.open({ corpusPath, indexDir, embedder: model });
    const pointer = await readFile(path.join(indexDir, 'CURRENT'), 'utf8');

    // The article grows to 45 copies: a rebuild that embeds for over a second (one window per forward pass). Each
    // copy's sentences are marked as its own, or the embedding cache would know them all from the first.
    const text = await readFile(article, 'utf8');
    const added = Array.from({ length: COPIES - 1 }, (_, index) =>
      path.join(corpusPath, `copy-${String(index + 1).padStart(2, '0')}.txt`),
    );
    await Promise.all(added.map((file, index) => writeFile(file, text.replaceAll('。', `。〔${index + 1}〕`))));
    // Closed, so that it no longer holds the index directory's lock: only one process writes an index.
    await original.close();
    const indexing = await runScript('src/cli/index-cli.ts', ['--force'], {
      CORPUS_PATH: corpusPath,
      INDEX_DIR: indexDir,
      EMBEDDING_MODEL: modelDir,
      EMBED_BATCH_SIZE: '1',
      LOG_FORMAT: 'json',
    });
    await indexing.waitForStderr(
      (stderr) => new RegExp(`^embedding 0/\\d{4,}$`, 'm').test(stderr),
      30_000,
      'the rebuild to start embedding',
    );
    indexing.child.kill('SIGKILL');
    expect(await indexing.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(indexing.stderr()).not.toMatch(/^writing/m); // killed mid-embedding, before writing anything
    expect(await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).toBe(pointer);

    // Back to the article the old index was built from: it is loaded as it was, nothing embedded again.
    await Promise.all(added.map((file) => rm(file)));
    // The killed process's lock names a process that is gone: it is stale, and taken over.
    const restarted = await KnowledgeBase.open({ corpusPath, indexDir, embedder: model });
    expect(JSON.parse(await readFile(path.join(indexDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(restarted.startReport).toMatchObject({ action: 'loaded', embedded: 0, passages: 25 });
    expect(restarted.manifest.builtAt).toBe(original.manifest.builtAt);
    for (const { question, paragraph } of KNOWN_ANSWERS) {
      expect((await restarted.ask(question)).results[0]?.passage.paragraph, question).toBe(paragraph);
    }
    expect(
      (await readdir(indexDir)).filter(
        (name) =>
          !name.startsWith('index-') && name !== 'CURRENT' && name !== EMBEDDING_CACHE_DIR && name !== LOCK_FILE,
      ),
    ).toEqual([]);
  }, 60_000);
});
