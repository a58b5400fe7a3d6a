import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_USER_ID,
  errorLines,
  expectWithinDiscordLimits,
  HEARTBEAT_MS,
  MANAGE_GUILD_PERMISSIONS,
  startBot,
  type RunningBot,
} from '../../support/bot-harness.js';
import { FakeDiscord, type InteractionState, type JsonObject } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { replyTo } from '../../support/reliability.js';

const EPHEMERAL = 64;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  // The model's own relevance bar, so that a question the article cannot answer is declined.
  running = await startBot(fake, { modelDir: await makeTinyModel(), env: { MIN_SCORE: '' } });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

function stats(extra: Partial<Parameters<FakeDiscord['sendInteraction']>[0]> = {}): Promise<InteractionState> {
  return fake.sendInteraction({ name: 'stats', memberPermissions: MANAGE_GUILD_PERMISSIONS, ...extra }).settled(10_000);
}

function field(state: InteractionState, name: string): string | undefined {
  return state.embeds[0]?.fields?.find((candidate: JsonObject) => candidate.name === name)?.value;
}

describe('given the bot starts', () => {
  it('then /stats is registered hidden from members without Manage Server, with a choice of 1, 7 or 30 days', () => {
    const command = fake.globalCommands.find((candidate) => candidate.name === 'stats')!;
    expect(command.default_member_permissions).toBe('32');
    expect(command.name_localizations).toEqual({ 'zh-CN': '统计', 'zh-TW': '統計' });
    expect(command.options).toMatchObject([
      { name: 'days', type: 4, required: false, choices: [{ value: 1 }, { value: 7 }, { value: 30 }] },
    ]);
  });
});

describe('given no questions yet', () => {
  it('then /stats says so, with zero counts and no chart', async () => {
    const state = await stats();
    expect(state.ephemeral).toBe(true);
    expect(state.embeds[0]!.title).toBe('The last 7 days');
    expect(state.embeds[0]!.description).toBe('No questions in this period.');
    expect(field(state, 'Questions')).toBe('0');
    expect(state.original!.files).toEqual([]);
  });
});

describe('given questions answered and declined, by /ask and in DMs', () => {
  beforeAll(async () => {
    for (const question of ['什么是杰文斯悖论?', '博通的股价为什么上升', '英伟达市值一天蒸发了多少?']) {
      await fake.sendInteraction({ name: 'ask', options: { question } }).done;
    }
    await fake.sendInteraction({ name: 'ask', options: { question: '😀🎉🔥👍' } }).done;
    await fake.sendInteraction({ name: 'ask', options: { question: '😀🎉🔥👍 ' } }).done;
    await replyTo(fake, fake.sendMessage({ content: '🤔🤔🤔', dm: true }));
  });

  it('then a member with Manage Server gets the report, only to them: counts, percentages, latency, what was not answered, what was quoted, and a chart', async () => {
    const state = await stats();

    expect(state.callbacks[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(state.ephemeral).toBe(true);
    expect(field(state, 'Questions')).toBe('6');
    expect(field(state, 'Answered')).toBe('3 (50%)');
    expect(field(state, 'Declined')).toBe('3 (50%)');
    expect(field(state, 'Feedback')).toBe('👍 0 · 👎 0');
    expect(field(state, 'Latency')).toMatch(/^p50 \d+ ms · p95 \d+ ms$/);
    expect(field(state, 'Asked most, not answered')).toBe(
      '1. 😀🎉🔥👍 (2×)\nPlus 1 declined where the text is not kept.',
    );
    expect(field(state, 'Quoted most')).toMatch(/^• .+ · paragraph \d+ \(\d+×\)/);
    expect(field(state, 'Down-voted most')).toBe('None');

    const [chart] = state.original!.files;
    expect(chart).toMatchObject({ filename: 'questions-per-day.png' });
    expect(chart!.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(state.embeds[0]!.image.url).toBe('attachment://questions-per-day.png');
    expect(state.embeds[0]!.footer.text).toBe('Questions per day (UTC): 🟩 answered, ⬜ declined.');
    expectWithinDiscordLimits(state);
  });

  it('then an admin of ADMIN_USER_IDS gets it in a DM too, for the last day, in simplified Chinese for zh-CN', async () => {
    const state = await fake
      .sendInteraction({ name: 'stats', dm: true, userId: ADMIN_USER_ID, locale: 'zh-CN', options: { days: 1 } })
      .settled(10_000);
    expect(state.embeds[0]!.title).toBe('最近一天');
    expect(field(state, '提问')).toBe('6');
    expect(field(state, '已回答')).toBe('3 (50%)');
  });

  it('then a member without Manage Server is refused, ephemerally, in a server and in a DM', async () => {
    for (const state of [
      await fake.sendInteraction({ name: 'stats' }).done,
      await fake.sendInteraction({ name: 'stats', dm: true }).done,
    ]) {
      expect(state.responseType).toBe(4);
      expect(state.ephemeral).toBe(true);
      expect(state.content).toBe(
        'Only members with the Manage Server permission, or the bot’s admins, can use this command.',
      );
    }
  });

  it('then nothing was logged as an error', () => {
    expect(errorLines(running.log)).toEqual([]);
  });
});
