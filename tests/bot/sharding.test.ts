import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { createMetrics } from '../../src/bot/metrics.js';
import { embedText, HEARTBEAT_MS, startBot, type RunningBot } from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../support/fixtures.js';
import { quotedParagraphs, replyTo } from '../support/reliability.js';

/** Registration and gateway routing need no answers: this knowledge base never finishes loading. */
const neverLoads = () => new Promise<KnowledgeBase>(() => undefined);

describe('given SHARD_COUNT=2 and SHARD_IDS=0-1: both shards in one process', () => {
  let fake: FakeDiscord;
  let running: RunningBot;

  beforeAll(async () => {
    // Two guilds: the first on one shard, the second on the other.
    fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, guildCount: 2 });
    running = await startBot(fake, { modelDir: await makeTinyModel(), env: { SHARD_COUNT: '2', SHARD_IDS: '0-1' } });
  });

  afterAll(async () => {
    await running?.bot.stop();
    await fake?.close();
    await removeTempDirs();
  });

  it('then it identifies as shard 0 and shard 1 of 2, and receives each guild on its shard', () => {
    expect(fake.identifyPayloads.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const shardOfGuild = fake.guildIds.map((guildId) => running.bot.client.guilds.cache.get(guildId)?.shardId);
    expect(shardOfGuild.sort()).toEqual([0, 1]);
  });

  it('then a mention in each guild and a DM are answered, once each', async () => {
    const asked = [
      ...fake.guildIds.map((guildId) =>
        fake.sendMessage({ content: 'What is the Jevons paradox?', mentionBot: true, guildId }),
      ),
      fake.sendMessage({ content: 'What is the Jevons paradox?', dm: true }),
    ];
    for (const message of asked) {
      const reply = await replyTo(fake, message);
      expect(quotedParagraphs(reply).length).toBeGreaterThan(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const message of asked)
      expect(fake.botMessages(message.channelId).filter((reply) => reply.replyTo === message.id)).toHaveLength(1);
  });

  it('then it registers the commands, since it runs shard 0', () => {
    expect(fake.requestsTo('PUT', `/applications/${fake.applicationId}/commands`)).toHaveLength(1);
  });

  it('then /about shows the shards it runs, in the asker’s language', async () => {
    const english = await fake.sendInteraction({ name: 'about' }).done;
    expect(embedText(english.embeds[0]!)).toContain('Shards of this process\n0, 1 of 2');
    const chinese = await fake.sendInteraction({ name: 'about', locale: 'zh-CN' }).done;
    expect(embedText(chinese.embeds[0]!)).toContain('本进程的分片\n0, 1(共 2 个)');
  });

  it('then /metrics shows each shard it runs as connected, and the shard count', async () => {
    const metrics = createMetrics(running.bot.client, { current: undefined, whenReady: neverLoads });
    try {
      const text = await metrics.registry.metrics();
      expect(text).toContain('article_bot_gateway_shard_connected{shard="0"} 1');
      expect(text).toContain('article_bot_gateway_shard_connected{shard="1"} 1');
      expect(text).toContain('article_bot_gateway_shard_count 2');
    } finally {
      metrics.close();
    }
  });
});

describe('given processes that each run some of the shards', () => {
  let fake: FakeDiscord | undefined;
  const bots: RunningBot[] = [];

  afterEach(async () => {
    for (const running of bots.splice(0)) await running.bot.stop();
    await fake?.close();
    await removeTempDirs();
  });

  it('then only the process running shard 0 registers the commands, and each receives only its own shards’ guilds', async () => {
    fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, guildCount: 2 });
    const second = await startBot(fake, {
      env: { SHARD_COUNT: '2', SHARD_IDS: '1' },
      openKnowledgeBase: neverLoads,
      waitForKnowledgeBase: false,
    });
    bots.push(second);
    expect(fake.requestsTo('PUT', /commands$/)).toEqual([]);
    expect(second.log.lines()).toContainEqual(
      expect.objectContaining({ msg: 'not registering the slash commands: the process that runs shard 0 does' }),
    );
    const first = await startBot(fake, {
      env: { SHARD_COUNT: '2', SHARD_IDS: '0' },
      openKnowledgeBase: neverLoads,
      waitForKnowledgeBase: false,
    });
    bots.push(first);
    expect(fake.requestsTo('PUT', /commands$/)).toHaveLength(1);

    expect(fake.identifyPayloads.map((identify) => identify.shard)).toEqual([
      [1, 2],
      [0, 2],
    ]);
    const guildsOf = (running: RunningBot) => [...running.bot.client.guilds.cache.keys()];
    expect(guildsOf(first)).toHaveLength(1);
    expect(guildsOf(second)).toHaveLength(1);
    expect([...guildsOf(first), ...guildsOf(second)].sort()).toEqual([...fake.guildIds].sort());
  });
});
