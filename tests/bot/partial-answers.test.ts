import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAnswer } from '../../src/bot/answer-format.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../support/fixtures.js';
import {
  embedText,
  expectWithinDiscordLimits,
  HEARTBEAT_MS,
  startBot,
  type RunningBot,
} from '../support/bot-harness.js';
import { answer, result, SECTIONS } from '../support/answer-fixtures.js';
import { quotedParagraphs } from '../support/reliability.js';

/** DeepSeek is in the article; who founded it is not. */
const NEAR_TOPIC = 'DeepSeek的创始人是谁？';
const CAVEAT_EN = 'The article mentions DeepSeek but never mentions ‘创始人’. The closest passages:';
const CAVEAT_ZH = '文章提到了DeepSeek,但没有提到“创始人”。最接近的段落:';

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, { modelDir: await makeTinyModel() });
}, 120_000);

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

describe('given a question the article speaks to only in part, on Discord', () => {
  it('then /ask quotes the closest passages under a caveat naming the missing word, with the buttons of an answer', async () => {
    const state = await fake.sendInteraction({ name: 'ask', options: { question: NEAR_TOPIC } }).done;
    expect(state.content!.split('\n')).toEqual([`**Question:** ${NEAR_TOPIC}`, CAVEAT_EN]);
    expect(quotedParagraphs(state).length).toBeGreaterThan(0);
    const labels = fake.componentsOf(state.original!).map((component) => component.label);
    expect(labels).toEqual(expect.arrayContaining(['👍', '👎']));
    expect(labels).not.toContain('Show the closest passage anyway');
    expectWithinDiscordLimits(state);
  });

  it('then a zh-CN user reads the caveat in simplified Chinese, a zh-TW user in traditional', async () => {
    const simplified = await fake.sendInteraction({ name: 'ask', options: { question: NEAR_TOPIC }, locale: 'zh-CN' })
      .done;
    expect(simplified.content!.split('\n')[1]).toBe(CAVEAT_ZH);
    const traditional = await fake.sendInteraction({
      name: 'ask',
      options: { question: 'DeepSeek的創始人是誰？' },
      locale: 'zh-TW',
    }).done;
    expect(traditional.content!.split('\n')[1]).toBe('文章提到了DeepSeek,但沒有提到“創始人”。最接近的段落:');
  });

  it('then a DM and a mention get the same caveat above the passages', async () => {
    const dm = fake.sendMessage({ content: NEAR_TOPIC, dm: true });
    const dmReply = await fake.waitForMessage(dm.channelId, (message) => message.replyTo === dm.id);
    expect(dmReply.content).toContain('文章提到了DeepSeek,但没有提到“创始人”');
    expect(quotedParagraphs(dmReply).length).toBeGreaterThan(0);

    const mention = fake.sendMessage({ content: 'Who founded DeepSeek?', mentionBot: true });
    const mentionReply = await fake.waitForMessage(fake.textChannelId, (message) => message.replyTo === mention.id);
    expect(mentionReply.content).toBe(
      'The article mentions DeepSeek but never mentions ‘founded’. The closest passages:',
    );
    expect(quotedParagraphs(mentionReply).length).toBeGreaterThan(0);
  });

  it('then "Ask the article" on a message answers it partly too, privately', async () => {
    const state = await fake.sendMessageCommand({ name: 'Ask the article', target: { content: NEAR_TOPIC } }).done;
    expect(state.ephemeral).toBe(true);
    expect(state.content!.split('\n')[1]).toBe(CAVEAT_EN);
    expect(quotedParagraphs(state).length).toBeGreaterThan(0);
  });
});

describe('given a partial answer with long words and many of them', () => {
  const long = '创'.repeat(300);
  const partial = answer(
    [result('段落。'.repeat(2000)), result('段落。'.repeat(2000)), result('段落。'.repeat(2000))],
    `${'问'.repeat(500)}`,
    {
      missing: [long, `${long}2`, `${long}3`, `${long}4`, '**bold** ||spoiler||'],
      covered: [long, 'DeepSeek', 'Nvidia', 'more'],
    },
  );

  it.each(['en', 'zh-Hans', 'zh-Hant'] as const)(
    'then in %s the reply fits Discord’s limits, the words escaped',
    (language) => {
      const reply = formatAnswer(partial, { language, sections: SECTIONS, echoQuestion: true });
      expectWithinDiscordLimits(reply);
      const caveat = reply.content.split('\n')[1]!;
      expect(caveat.length).toBeLessThan(600);
      expect(reply.embeds.map((embed) => embedText(embed)).join('')).not.toBe('');
    },
  );

  it('then markdown in a missing word is shown literally', () => {
    const reply = formatAnswer(answer([result('段落。')], 'q', { missing: ['**bold**'], covered: [] }), {
      language: 'en',
      sections: SECTIONS,
      echoQuestion: false,
    });
    expect(reply.content).toBe('The article never mentions ‘\\*\\*bold\\*\\*’. The closest passages:');
  });
});
