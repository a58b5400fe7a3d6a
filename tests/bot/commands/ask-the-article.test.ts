import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { expectWithinDiscordLimits, HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, { modelDir: await makeTinyModel() });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

const askAbout = (target: Parameters<FakeDiscord['sendMessageCommand']>[0]['target'], extra = {}) =>
  fake.sendMessageCommand({ name: 'Ask the article', target, ...extra }).done;

describe('given "Apps → Ask the article" on a message', () => {
  it('then that message’s text is the question, answered privately with a Share button', async () => {
    const state = await askAbout({ content: '博通的股价为什么上升', authorId: '200000000000000005' });
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe('**Question:** 博通的股价为什么上升');
    expect(state.embeds[0]!.title).toMatch(/paragraph 24$/);
    expect(fake.componentsOf(state.original!).map((component) => component.label)).toContain('Share');
    expectWithinDiscordLimits(state);
  });

  it('then it works in a direct message too', async () => {
    const state = await askAbout({ content: '杰文斯悖论' }, { dm: true });
    expect(state.ephemeral).toBe(true);
    expect(state.embeds.length).toBeGreaterThan(0);
  });

  it('then a message with no text, or only an image, gets a clear private reply', async () => {
    const empty = await askAbout({ content: '' });
    const image = await askAbout({
      content: '',
      attachments: [{ filename: 'chart.png', contentType: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) }],
    });
    for (const state of [empty, image]) {
      expect(state.ephemeral).toBe(true);
      expect(state.content).toBe(
        'That message has no text to ask about (only images or attachments). Try /ask instead.',
      );
    }
  });

  it('then a long message is asked by its beginning rather than refused', async () => {
    const state = await askAbout({ content: `博通的股价为什么上升。${'这是一段很长的闲聊。'.repeat(100)}` });
    expect(state.embeds[0]!.title).not.toBe('Not covered by the article');
  });
});
