import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/bot/i18n.js';
import { handleUnhandledRejection } from '../../src/bot/unhandled-rejections.js';
import { openKnowledgeBase } from '../../src/startup/open-knowledge-base.js';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { controllable, HEARTBEAT_MS, startBot, type RunningBot } from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../support/fixtures.js';

let fake: FakeDiscord;
let modelDir: string;

/** A port nothing listens on now: taken, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

/** The value of one sample of the Prometheus text, e.g. `article_bot_index_passages`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  modelDir = await makeTinyModel();
});

afterAll(async () => {
  await fake?.close();
  await removeTempDirs();
});

describe('given METRICS_PORT is set', () => {
  let running: RunningBot;
  let base: string;
  const loading = controllable<void>();

  beforeAll(async () => {
    const port = await freePort();
    running = await startBot(fake, {
      // A model call gets 3 s here, so a model process that stops answering is found out quickly.
      env: { METRICS_PORT: String(port), RATE_LIMIT_COUNT: '3', MODEL_TIMEOUT_SECONDS: '3' },
      waitForKnowledgeBase: false,
      // The knowledge base loads only when the test says so, to see /healthz before and after.
      openKnowledgeBase: async (config, logger): Promise<KnowledgeBase> => {
        await loading.promise;
        return openKnowledgeBase(
          { ...config, embedding: { ...config.embedding, model: modelDir, isLocalDirectory: true } },
          logger,
        );
      },
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    loading.resolve();
    await running?.bot.stop();
  });

  it('then it listens on 127.0.0.1 only, and /healthz answers 503 while the index loads, 200 once it is loaded', async () => {
    expect(running.log.lines().find((line) => line.msg === 'serving /metrics and /healthz')?.url).toBe(base);
    const before = await get(`${base}/healthz`);
    expect(before.status).toBe(503);
    expect(JSON.parse(before.text)).toEqual({ healthy: false, indexLoaded: false, gatewayConnected: true });

    loading.resolve();
    await running.bot.ready;
    const after = await get(`${base}/healthz`);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text)).toEqual({ healthy: true, indexLoaded: true, gatewayConnected: true });
  });

  it('then /metrics counts questions by source and outcome, times the answers, and shows the index, gateway and Node', async () => {
    await fake.sendInteraction({ name: 'ask', options: { question: '杰文斯悖论是什么?' } }).done;
    const dm = fake.sendMessage({ content: '英伟达的市值蒸发了多少?', dm: true });
    await fake.waitForMessage(dm.channelId, (message) => message.replyTo === dm.id);
    const mention = fake.sendMessage({ content: '博通的股价为什么上升?', mentionBot: true });
    await fake.waitForMessage(mention.channelId, (message) => message.replyTo === mention.id);
    const tooLong = fake.sendMessage({ content: '博'.repeat(running.config.limits.maxQuestionLength + 1), dm: true });
    await fake.waitForMessage(tooLong.channelId, (message) => message.replyTo === tooLong.id);
    // One user over the limit of 3: the fourth question is refused with "slow down".
    const userId = '200000000000000002';
    for (let index = 0; index < 4; index++)
      await fake.sendInteraction({ name: 'ask', userId, options: { question: `杰文斯悖论 ${index}` } }).done;

    const { status, text } = await get(`${base}/metrics`);
    expect(status).toBe(200);
    expect(sample(text, 'article_bot_questions_total{source="slash",outcome="answered"}')).toBe(4);
    expect(sample(text, 'article_bot_questions_total{source="slash",outcome="rate_limited"}')).toBe(1);
    expect(sample(text, 'article_bot_questions_total{source="dm",outcome="answered"}')).toBe(1);
    expect(sample(text, 'article_bot_questions_total{source="dm",outcome="refused"}')).toBe(1);
    expect(sample(text, 'article_bot_questions_total{source="mention",outcome="answered"}')).toBe(1);
    expect(sample(text, 'article_bot_answer_duration_seconds_count{source="slash"}')).toBe(4);
    expect(sample(text, 'article_bot_answer_duration_seconds_bucket{le="+Inf",source="dm"}')).toBe(1);
    expect(sample(text, 'article_bot_index_passages')).toBe(25);
    expect(sample(text, 'article_bot_gateway_connected')).toBe(1);
    expect(sample(text, 'article_bot_model_process_restarts_total')).toBe(0);
    expect(sample(text, 'article_bot_model_process_resident_memory_bytes')).toBeGreaterThan(1e6);
    // Node's defaults, from prom-client.
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('nodejs_heap_size_used_bytes');
  });

  it('then a model process that died and was started again is counted', async () => {
    const knowledgeBase = await running.bot.ready;
    process.kill(knowledgeBase.embedder.modelProcessId!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await fake.sendInteraction({ name: 'ask', options: { question: '博通' } }).done;
    const { text } = await get(`${base}/metrics`);
    expect(sample(text, 'article_bot_model_process_restarts_total')).toBe(1);
  });

  it('then a model process that stops answering gets "try again" replies, and its timeout and restart are counted', async () => {
    const knowledgeBase = await running.bot.ready;
    const before = await get(`${base}/metrics`);
    const restartsBefore = sample(before.text, 'article_bot_model_process_restarts_total')!;
    expect(sample(before.text, 'article_bot_model_timeouts_total')).toBe(0);
    process.kill(knowledgeBase.embedder.modelProcessId!, 'SIGSTOP');
    const stalled = await Promise.all(
      ['英伟达', '杰文斯悖论'].map((question) => fake.sendInteraction({ name: 'ask', options: { question } }).done),
    );
    for (const state of stalled) expect(state.content).toBe(t('en', 'modelUnavailable'));
    const answered = await fake.sendInteraction({ name: 'ask', options: { question: '博通' } }).done;
    expect(answered.embeds.length).toBeGreaterThan(0);
    const { text } = await get(`${base}/metrics`);
    expect(sample(text, 'article_bot_model_timeouts_total')).toBe(1);
    expect(sample(text, 'article_bot_model_process_restarts_total')).toBe(restartsBefore + 1);
  });

  it('then unhandled rejections are counted by origin', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    handleUnhandledRejection(reset, { logger: running.log.logger, restart: () => undefined });
    const { text } = await get(`${base}/metrics`);
    expect(sample(text, 'article_bot_unhandled_rejections_total{origin="network"}')).toBe(1);
  });

  it('then /healthz answers 503 once the gateway connection is gone', async () => {
    await running.bot.client.destroy();
    const { status, text } = await get(`${base}/healthz`);
    expect(status).toBe(503);
    expect(JSON.parse(text)).toEqual({ healthy: false, indexLoaded: true, gatewayConnected: false });
    expect(sample((await get(`${base}/metrics`)).text, 'article_bot_gateway_connected')).toBe(0);
  });
});

describe('given METRICS_PORT is set to a port already in use', () => {
  it('then the bot does not start, and says which setting to change', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const started = startBot(fake, { modelDir, env: { METRICS_PORT: String(port) }, waitForKnowledgeBase: false });
      await expect(started).rejects.toThrow(`METRICS_PORT=${port}: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});

describe('given METRICS_PORT is not set', () => {
  it('then no HTTP server is started', async () => {
    const running = await startBot(fake, { modelDir });
    try {
      expect(running.config.metrics.port).toBeUndefined();
      expect(running.log.text()).not.toContain('/metrics');
    } finally {
      await running.bot.stop();
    }
  });
});
