import { afterEach, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { HEARTBEAT_MS, startBot, type RunningBot } from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { removeTempDirs } from '../support/fixtures.js';

/** Registration and stopping need no answers: the knowledge base here never finishes loading. */
const neverLoads = () => new Promise<KnowledgeBase>(() => undefined);

let fake: FakeDiscord | undefined;
let running: RunningBot | undefined;

afterEach(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
  running = undefined;
  fake = undefined;
});

async function start(
  env: (fake: FakeDiscord) => Record<string, string> = () => ({}),
): Promise<{ fake: FakeDiscord; running: RunningBot }> {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  running = await startBot(fake, { env: env(fake), openKnowledgeBase: neverLoads, waitForKnowledgeBase: false });
  return { fake, running };
}

describe('given DISCORD_GUILD_ID', () => {
  it('then the commands are registered to that server, instantly usable there, and not globally', async () => {
    const { fake } = await start((discord) => ({ DISCORD_GUILD_ID: discord.guildId }));

    const puts = fake.requestsTo('PUT', `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect(puts).toHaveLength(1);
    expect(fake.guildCommands.get(fake.guildId)?.map((command) => command.name)).toEqual([
      'ask',
      'read',
      'about',
      'help',
      'reindex',
      'stats',
      'corpus',
      'Ask the article',
    ]);
    expect(fake.requestsTo('PUT', `/applications/${fake.applicationId}/commands`)).toHaveLength(0);
    expect(fake.globalCommands).toEqual([]);
  });
});

describe('given REGISTER_COMMANDS=false', () => {
  it('then the bot starts without registering anything', async () => {
    const { fake } = await start(() => ({ REGISTER_COMMANDS: 'false' }));
    expect(fake.identifyCount).toBe(1);
    expect(fake.requestsTo('PUT', /commands$/)).toEqual([]);
    expect(fake.requestsTo('POST', /commands$/)).toEqual([]);
  });
});

describe('given a stop while questions wait for the knowledge base', () => {
  it('then the deferred reply is completed with a short notice and the gateway connection is closed', async () => {
    const { fake, running } = await start();
    const waiting = fake.sendInteraction({ name: 'ask', options: { question: '博通' } });
    await waiting.waitFor((state) => state.deferred);

    await running.bot.stop();

    const state = await waiting.done;
    expect(state.content).toBe('The bot is restarting. Please ask again in a minute.');
    expect(fake.gatewayStats.openConnections).toBe(0);
    expect(fake.gatewayCloses.at(-1)?.by).toBe('client');
    expect(running.bot.client.isReady()).toBe(false);
  });
});
