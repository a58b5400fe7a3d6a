import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { silentLogger } from '../../src/logger.js';
import { openKnowledgeBase } from '../../src/startup/open-knowledge-base.js';
import { controllable, errorLines, HEARTBEAT_MS, startBot, type RunningBot } from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { copyOfCorpus, makeTinyModel, removeTempDirs, tempDir, testConfig } from '../support/fixtures.js';

/** Discord voids interactions not acknowledged within 3 s; "promptly" leaves most of that for the network. */
const PROMPT_MS = 1000;

let fake: FakeDiscord;
let running: RunningBot;
let loaded: KnowledgeBase;
const loading = controllable<KnowledgeBase>();

beforeAll(async () => {
  // The fake refuses callbacks later than Discord's 3 s, as Discord does.
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  const config = testConfig({
    EMBEDDING_MODEL: await makeTinyModel(),
    CORPUS_PATH: await copyOfCorpus(),
    INDEX_DIR: await tempDir('index-'),
    MIN_SCORE: '0',
  });
  loaded = await openKnowledgeBase(config, silentLogger);
  running = await startBot(fake, { openKnowledgeBase: () => loading.promise, waitForKnowledgeBase: false });
});

afterAll(async () => {
  await running?.bot.stop(); // closes the knowledge base it was given
  await fake?.close();
  await removeTempDirs();
});

describe('given the model and index are still loading when questions arrive', () => {
  it('then /ask is deferred at once, /help is answered meanwhile, and the deferred answer and a DM are completed once loaded', async () => {
    const askHandle = fake.sendInteraction({ name: 'ask', options: { question: '博通' } });
    const deferred = await askHandle.waitFor((state) => state.callbacks.length > 0, PROMPT_MS);
    expect(deferred.callbacks[0]!.type).toBe(5);
    expect(deferred.callbacks[0]!.at - deferred.dispatchedAt).toBeLessThan(PROMPT_MS);

    const help = await fake.sendInteraction({ name: 'help' }).done;
    expect(help.responseType).toBe(4);
    expect(help.embeds[0]!.title).toBe('How to ask');

    const dm = fake.sendMessage({ content: '博通的股价为什么上升', dm: true });
    await fake.waitForRequest('POST', `/channels/${dm.channelId}/typing`, PROMPT_MS);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(askHandle.state.edits).toHaveLength(0);
    expect(fake.botMessages(dm.channelId)).toHaveLength(0);

    loading.resolve(loaded);
    const answered = await askHandle.done;
    expect(answered.edits).toHaveLength(1);
    expect(answered.embeds[0]!.title).toMatch(/paragraph 24$/);
    expect(answered.content).toBe('**Question:** 博通');
    const reply = await fake.waitForMessage(dm.channelId, (message) => message.replyTo === dm.id);
    expect(reply.embeds[0]!.title).toMatch(/第 24 段$/);
  });

  it('then, once loaded, answers come directly without a deferral', async () => {
    const state = await fake.sendInteraction({ name: 'ask', options: { question: '博通' } }).done;
    expect(state.responseType).toBe(4);
    expect(errorLines(running.log)).toEqual([]);
  });
});
