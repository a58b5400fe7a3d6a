import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type InteractionState, type JsonObject, type MessageRecord } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs, tempDir } from '../../support/fixtures.js';
import {
  embedText,
  errorLines,
  expectWithinDiscordLimits,
  HEARTBEAT_MS,
  startBot,
  type RunningBot,
} from '../../support/bot-harness.js';
import { QuestionLog } from '../../../src/store/question-log.js';

const NOBODY_PINGED = { users: [], roles: [], everyone: false, repliedUser: false };
const ASKER = '200000000000000001';
const SOMEONE_ELSE = '200000000000000002';

let fake: FakeDiscord;
let running: RunningBot;
let questionLog: QuestionLog;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  questionLog = QuestionLog.open({
    dataDir: await tempDir('data-'),
    keepQuestions: true,
    keepDmText: false,
    retentionDays: 30,
  });
  running = await startBot(fake, { modelDir: await makeTinyModel(), questionLog });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

async function ask(question: string, options: { private?: boolean; locale?: string } = {}): Promise<InteractionState> {
  return fake.sendInteraction({
    name: 'ask',
    options: { question, ...(options.private ? { private: true } : {}) },
    userId: ASKER,
    ...(options.locale ? { locale: options.locale } : {}),
  }).done;
}

const buttons = (message: MessageRecord) => fake.componentsOf(message);
const customIdOf = (message: MessageRecord, start: string) =>
  buttons(message).find((component) => String(component.custom_id).startsWith(start))!.custom_id as string;
const paragraphsOf = (embeds: JsonObject[]) =>
  embeds.map((embed) => Number(/(?:paragraph|第) (\d+)/.exec(String(embed.title))?.[1]));

describe('given an answer to /ask', () => {
  let answer: InteractionState;
  beforeAll(async () => {
    answer = await ask('什么是杰文斯悖论?');
  });

  it('then it carries More, a Context button per quoted paragraph, and 👍 / 👎, within Discord’s limits and without Share', () => {
    const components = buttons(answer.original!);
    const labels = components.map((component) => component.label);
    expect(labels[0]).toBe('More');
    expect(labels.filter((label) => String(label).startsWith('Context ¶'))).toHaveLength(answer.embeds.length);
    expect(labels).toContain('👍');
    expect(labels).toContain('👎');
    expect(labels).not.toContain('Share');
    for (const component of components) {
      expect([...String(component.custom_id)].length).toBeLessThanOrEqual(100);
      expect(String(component.custom_id)).toMatch(/^ans1:/);
    }
    expectWithinDiscordLimits(answer);
  });

  it('then More, clicked by the asker, posts the next passages of the ranking for everyone, saying they may answer less well', async () => {
    const more = await fake.clickButton(answer.original!, customIdOf(answer.original!, 'ans1:m:'), { userId: ASKER })
      .done;
    expect(more.ephemeral).toBe(false);
    expect(more.content).toContain('More from the same ranking');
    const shown = paragraphsOf(more.embeds);
    expect(shown.length).toBeGreaterThan(0);
    for (const paragraph of shown) expect(paragraphsOf(answer.embeds)).not.toContain(paragraph);
    expectWithinDiscordLimits(more);
  });

  it('then More or Context clicked by someone else goes to them alone, and the shared answer does not change', async () => {
    const before = JSON.stringify(answer.original!.message);
    const more = await fake.clickButton(answer.original!, customIdOf(answer.original!, 'ans1:m:'), {
      userId: SOMEONE_ELSE,
    }).done;
    const context = await fake.clickButton(answer.original!, customIdOf(answer.original!, 'ans1:c:'), {
      userId: SOMEONE_ELSE,
    }).done;
    expect(more.ephemeral).toBe(true);
    expect(context.ephemeral).toBe(true);
    expect(JSON.stringify(fake.messages.find((message) => message.id === answer.original!.id)!.message)).toBe(before);
  });

  it('then Context shows the quoted paragraph between the ones before and after it, under its section heading', async () => {
    const quoted = paragraphsOf(answer.embeds)[0]!;
    const context = await fake.clickButton(answer.original!, customIdOf(answer.original!, 'ans1:c:'), { userId: ASKER })
      .done;
    const shown = paragraphsOf(context.embeds);
    expect(shown).toContain(quoted);
    expect(shown.filter((paragraph) => Math.abs(paragraph - quoted) === 1).length).toBeGreaterThanOrEqual(1);
    expect(context.content).toMatch(/^\*\*In context, under “.+”\*\*$/);
    expect(context.embeds.find((embed) => String(embed.title).startsWith('▶ '))).toBeDefined();
  });

  it('then 👍 and 👎 are acknowledged privately, one vote per person and answer that can be changed, and the message stays as it was', async () => {
    const up = customIdOf(answer.original!, 'ans1:u:');
    const down = customIdOf(answer.original!, 'ans1:d:');
    const first = await fake.clickButton(answer.original!, up, { userId: SOMEONE_ELSE }).done;
    const again = await fake.clickButton(answer.original!, up, { userId: SOMEONE_ELSE }).done;
    const changed = await fake.clickButton(answer.original!, down, { userId: SOMEONE_ELSE }).done;
    expect([first, again, changed].map((state) => state.ephemeral)).toEqual([true, true, true]);
    expect(first.content).toContain('your 👍 is recorded');
    expect(again.content).toBe('You had already voted that way on this answer.');
    expect(changed.content).toBe('Your vote on this answer is changed.');
    // One person's three clicks leave one vote: the last.
    expect((await questionLog.report(1)).votes).toEqual({ up: 0, down: 1 });
    expect([first, again, changed].map((state) => state.responseType)).toEqual([4, 4, 4]);
  });
});

describe('given a private answer', () => {
  it('then Share posts it for everyone, saying who shared it, pinging nobody, without a second Share button', async () => {
    const answer = await ask('博通的股价为什么上升', { private: true });
    expect(answer.ephemeral).toBe(true);
    const shared = await fake.clickButton(answer.original!, customIdOf(answer.original!, 'ans1:s:'), { userId: ASKER })
      .done;
    expect(shared.ephemeral).toBe(false);
    expect(shared.content).toContain(`Shared by <@${ASKER}>`);
    expect(shared.original!.pings).toEqual(NOBODY_PINGED);
    expect(shared.embeds.map(embedText)).toEqual(answer.embeds.map(embedText));
    expect(buttons(shared.original!).map((component) => component.label)).not.toContain('Share');
    expect(buttons(shared.original!).map((component) => component.label)).toContain('👍');
  });
});

describe('given an answer in a direct message', () => {
  it('then its buttons work there too', async () => {
    const question = fake.sendMessage({ content: '博通的股价为什么上升', dm: true, authorId: ASKER });
    const reply = await fake.waitForMessage(question.channelId, (message) => message.replyTo === question.id);
    const more = await fake.clickButton(reply, customIdOf(reply, 'ans1:m:'), { userId: ASKER }).done;
    expect(more.content).toContain('More from the same ranking');
  });
});

describe('given a user whose Discord is set to traditional Chinese', () => {
  it('then the buttons speak traditional Chinese', async () => {
    const answer = await ask('博通', { locale: 'zh-TW' });
    const labels = buttons(answer.original!).map((component) => component.label);
    expect(labels).toContain('更多');
    expect(labels.some((label) => /^上下文 第\d+段$/.test(String(label)))).toBe(true);
  });
});

describe('given everything above', () => {
  it('then nothing was logged as an error', () => {
    expect(errorLines(running.log)).toEqual([]);
  });
});
