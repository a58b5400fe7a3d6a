import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embedText,
  errorLines,
  expectWithinDiscordLimits,
  HEARTBEAT_MS,
  startBot,
  type RunningBot,
} from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { copyOfCorpus, makeTinyModel, removeTempDirs } from '../support/fixtures.js';

const ARTICLE = 'wang-weijia-deepseek-wall-street.txt';
const LONG_PARAGRAPH_LENGTH = 5000;
/** Prose full of what could break a reply: markdown of every kind, mentions, an emoji (a surrogate pair). */
const FILLER =
  '效率提高之后需求往往不减反增,这就是杰文斯悖论所说的现象,**算力**与 `煤炭` 一样 ||越便宜用得越多|| __也越重要__ ~~不会减少~~;' +
  ' @everyone <@&123456789012345678> > 引用 # 标题 - 列表 [链接](https://example.com) 😀 ';

let fake: FakeDiscord;
let running: RunningBot;

/** The article with every paragraph about the Jevons paradox grown to 5000 characters. */
async function corpusWithLongParagraphs(): Promise<string> {
  const corpusPath = await copyOfCorpus();
  const file = path.join(corpusPath, ARTICLE);
  const paragraphs = (await readFile(file, 'utf8')).split('\n\n').map((paragraph) => {
    if (!paragraph.includes('杰文斯')) return paragraph;
    let long = paragraph;
    while (long.length < LONG_PARAGRAPH_LENGTH) long += FILLER;
    return long;
  });
  await writeFile(file, paragraphs.join('\n\n'));
  return corpusPath;
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, {
    modelDir: await makeTinyModel(),
    corpusPath: await corpusWithLongParagraphs(),
    // The model's own relevance bar, so that an off-topic question is declined; ten passages to share the room.
    env: { MIN_SCORE: '', TOP_K: '10' },
  });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

describe('given paragraphs of 5000 characters', () => {
  it('then /ask quotes them within every Discord limit, cut around the highlighted sentences with ellipses', async () => {
    const state = await fake.sendInteraction({ name: 'ask', options: { question: '杰文斯悖论' } }).done;

    expect(state.responseType).toBe(4); // accepted by the fake, which validates like Discord
    expectWithinDiscordLimits(state);
    const long = state.embeds.filter((embed) => String(embed.description).includes('杰文斯'));
    expect(long.length).toBeGreaterThanOrEqual(2);
    for (const embed of long) {
      expect(String(embed.description)).toMatch(/…$|^…/);
      // A bold run (its own asterisks escaped inside) that contains the question's words.
      expect(String(embed.description)).toMatch(/(^|[^\\])\*\*((?!\*\*).)*杰文斯((?!\*\*).)*[^\\]\*\*/s);
    }
    const text = state.embeds.map(embedText).join('\n');
    expect(text).not.toMatch(/[^\\]\|\|/); // the spoiler markers are escaped, so they cannot hide text
    expect(text).not.toMatch(/(^|[^\\])`/);
    expect(text).not.toMatch(/(^|[^\\])\[链接\]/); // no masked link survives
    expect(state.original?.pings).toEqual({ users: [], roles: [], everyone: false, repliedUser: false });
  });

  it('then the same answer fits as a DM reply and as a private /ask too', async () => {
    const dm = fake.sendMessage({ content: '杰文斯悖论', dm: true });
    const reply = await fake.waitForMessage(dm.channelId, (message) => message.replyTo === dm.id);
    expectWithinDiscordLimits(reply);
    expect(reply.embeds.length).toBeGreaterThanOrEqual(2);

    const privately = await fake.sendInteraction({ name: 'ask', options: { question: '杰文斯悖论', private: true } })
      .done;
    expectWithinDiscordLimits(privately);
    expect(privately.ephemeral).toBe(true);
  });
});

describe('given a question the article does not cover', () => {
  it('then the bot says so plainly, points to /help and lists the sections, instead of quoting noise', async () => {
    const state = await fake.sendInteraction({ name: 'ask', options: { question: "What's the weather like on Mars?" } })
      .done;

    expect(state.embeds).toHaveLength(1);
    expect(state.embeds[0]!.title).toBe('Not covered by the article');
    const text = embedText(state.embeds[0]!);
    expect(text).toContain("The article doesn't seem to cover that");
    expect(text).toContain('/help');
    expect(text).toContain('• 暴风雨的前夜');
    expect(text).toContain('• 下一步最关键的疑问是什么?');
    expect(errorLines(running.log)).toEqual([]);
  });
});
