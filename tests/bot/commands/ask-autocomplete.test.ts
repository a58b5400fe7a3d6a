import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, { modelDir: await makeTinyModel(), env: { MIN_SCORE: '' } });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

const suggest = async (value: string, locale?: string) =>
  (await fake.sendAutocomplete({ name: 'ask', focused: 'question', value, ...(locale ? { locale } : {}) }).done)
    .choices!;

describe('given /ask’s question being typed', () => {
  it('then with nothing typed it suggests questions the article answers, each within Discord’s limits', async () => {
    const choices = await suggest('');
    expect(choices.length).toBeGreaterThanOrEqual(3);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(String(choice.name)).toMatch(/^What does the article say about .+\?$/);
      expect([...String(choice.value)].length).toBeLessThanOrEqual(100);
    }
    const answer = await fake.sendInteraction({ name: 'ask', options: { question: String(choices[0]!.value) } }).done;
    expect(answer.embeds[0]!.title).not.toBe('Not covered by the article');
  });

  it('then typed text comes first, as typed, then the sections and paragraphs that contain it', async () => {
    const choices = await suggest('杰文斯');
    expect(choices[0]).toEqual({ name: '杰文斯', value: '杰文斯' });
    expect(choices.length).toBeGreaterThan(1);
    for (const choice of choices.slice(1)) expect(String(choice.name)).toMatch(/^(§ |Paragraph \d+: )/);
    expect(choices.slice(1).some((choice) => String(choice.name).includes('杰文斯'))).toBe(true);
  });

  it('then a section’s title leads to its first paragraph', async () => {
    const choices = await suggest('暴风雨');
    expect(choices.some((choice) => String(choice.name).startsWith('§ 暴风雨的前夜: '))).toBe(true);
  });

  it('then long Chinese is cut cleanly within 100 characters, never splitting a character', async () => {
    const typed = '英伟达'.repeat(60);
    const choices = await suggest(typed);
    expect(choices[0]!.name).toMatch(/…$/);
    for (const choice of choices) {
      expect([...String(choice.name)].length).toBeLessThanOrEqual(100);
      expect(String(choice.name)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });

  it('then free text that matches nothing is still offered, and asking it still works', async () => {
    const choices = await suggest('zzqqxx');
    expect(choices).toEqual([{ name: 'zzqqxx', value: 'zzqqxx' }]);
  });

  it('then the suggestions follow the asker’s language', async () => {
    const choices = await suggest('', 'zh-CN');
    expect(String(choices[0]!.name)).toMatch(/^文章里关于「.+」说了什么\?$/);
  });
});

describe('given a bot still loading its index', () => {
  it('then autocomplete answers at once with no choices rather than keep the user waiting', async () => {
    const loading = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
    const stuck = await startBot(loading, {
      openKnowledgeBase: () => new Promise(() => undefined),
      waitForKnowledgeBase: false,
    });
    try {
      const state = await loading.sendAutocomplete({ name: 'ask', focused: 'question', value: '杰文斯' }).done;
      expect(state.choices).toEqual([]);
    } finally {
      await stuck.bot.stop();
      await loading.close();
    }
  });
});
