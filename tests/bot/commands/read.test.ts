import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type InteractionState } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { expectWithinDiscordLimits, HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';

const READER = '200000000000000001';

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

const read = (options: Record<string, string | number> = {}, extra = {}) =>
  fake.sendInteraction({ name: 'read', options, userId: READER, ...extra }).done;
const paragraphsOf = (state: { embeds: Array<{ title?: unknown }> }) =>
  state.embeds.map((embed) => Number(/(?:Paragraph|第) (\d+)/.exec(String(embed.title))?.[1]));
const componentsOf = (state: InteractionState) => fake.componentsOf(state.original!);
const button = (state: InteractionState, label: string) =>
  componentsOf(state).find((component) => component.label === label)!;

describe('given /read', () => {
  let first: InteractionState;
  beforeAll(async () => {
    first = await read();
  });

  it('then it shows the article’s first page privately: whole paragraphs, previous disabled, a section picker', () => {
    expect(first.ephemeral).toBe(true);
    expect(paragraphsOf(first)[0]).toBe(1);
    expect(first.embeds.at(-1)!.footer.text).toMatch(/^Paragraphs 1–\d of 25 · 王维嘉/);
    expect(button(first, '◀ Previous').disabled).toBe(true);
    expect(button(first, 'Next ▶').disabled).toBeFalsy();
    const picker = componentsOf(first).find((component) => component.type === 3)!;
    expect(picker.options.map((option: { label: string }) => option.label)).toEqual([
      '暴风雨的前夜',
      '散户投资人和一线从业者的三大差距',
      '下一步最关键的疑问是什么?',
    ]);
    expectWithinDiscordLimits(first);
  });

  it('then Next and Previous turn the reader’s own page in place', async () => {
    const next = await fake.clickButton(first.original!, button(first, 'Next ▶').custom_id as string, {
      userId: READER,
    }).done;
    expect(next.responseType).toBe(7); // the message itself is updated
    const turned = fake.messages.find((message) => message.id === first.original!.id)!;
    const shown = turned.embeds.map((embed) => Number(/Paragraph (\d+)/.exec(String(embed.title))?.[1]));
    expect(shown[0]).toBe(paragraphsOf(first).at(-1)! + 1);
    const previous = fake.componentsOf(turned).find((component) => component.label === '◀ Previous')!;
    await fake.clickButton(turned, previous.custom_id as string, { userId: READER }).done;
    const back = fake.messages.find((message) => message.id === first.original!.id)!;
    expect(back.embeds.map((embed) => Number(/Paragraph (\d+)/.exec(String(embed.title))?.[1]))[0]).toBe(1);
  });

  it('then the section picker jumps to the section', async () => {
    const picker = componentsOf(first).find((component) => component.type === 3)!;
    const lastSection = picker.options.at(-1)!.value as string;
    await fake.selectOptions(first.original!, picker.custom_id as string, [lastSection], { userId: READER }).done;
    const jumped = fake.messages.find((message) => message.id === first.original!.id)!;
    expect(jumped.embeds[0]!.title).toMatch(/· 下一步最关键的疑问是什么\?$/);
  });

  it('then a section or a paragraph can be given to start there', async () => {
    expect(paragraphsOf(await read({ paragraph: 13 }))).toContain(13);
    expect((await read({ section: '三大差距' })).embeds[0]!.title).toMatch(/散户投资人和一线从业者的三大差距$/);
  });

  it('then a paragraph the article does not have is refused clearly', async () => {
    const state = await read({ paragraph: 99 });
    expect(state.content).toBe('The article has no paragraph 99; it has 25.');
  });

  it('then the section option autocompletes from the article’s sections', async () => {
    const choices = (await fake.sendAutocomplete({ name: 'read', focused: 'section', value: '疑问' }).done).choices!;
    expect(choices.map((choice) => choice.name)).toEqual(['下一步最关键的疑问是什么?']);
  });

  it('then it works in a direct message, in traditional Chinese', async () => {
    const state = await read({}, { dm: true, locale: 'zh-TW' });
    expect(state.embeds.at(-1)!.footer.text).toMatch(/^第 1–\d 段,共 25 段 · /);
    expect(button(state, '下一頁 ▶')).toBeDefined();
  });
});
