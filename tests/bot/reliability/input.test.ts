import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embedText,
  errorLines,
  expectWithinDiscordLimits,
  HEARTBEAT_MS,
  startBot,
  type RunningBot,
} from '../../support/bot-harness.js';
import { FakeDiscord, type InteractionState } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { expectNobodyPinged, NOBODY_PINGED, quotedParagraphs, replyTo } from '../../support/reliability.js';

const EMPTY = 'The question is empty. Please write what you would like to know.';
const NOT_COVERED = 'Not covered by the article';
/** What must never reach a reply: control characters (but newline and tab) and zero-width or direction marks. */
// eslint-disable-next-line no-control-regex
const INVISIBLE_OR_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/;
/** A markdown character not escaped by a backslash (headings, subtext and lists only count at the start of a line). */
const UNESCAPED_MARKDOWN = /(^|[^\\])[*_`|~>[]|^[#-]/m;

let fake: FakeDiscord;
let running: RunningBot;
let maxLength: number;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  // The model's own relevance bar (not the harness's MIN_SCORE=0), so that a question the article cannot answer is declined.
  running = await startBot(fake, { modelDir: await makeTinyModel(), env: { MIN_SCORE: '' } });
  maxLength = running.config.limits.maxQuestionLength;
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

function ask(question: string): Promise<InteractionState> {
  return fake.sendInteraction({ name: 'ask', options: { question } }).done;
}

async function dm(content: string) {
  return replyTo(fake, fake.sendMessage({ content, dm: true }));
}

describe('given an empty question', () => {
  it.each([
    ['empty', ''],
    ['whitespace', ' \t\n\u3000 '],
    ['zero-width', '\u200B\u200D\uFEFF\u2060'],
    ['control characters', '\u0000\u0007\u001B'],
  ])('then /ask with a %s question is told, ephemerally, that it is empty', async (_kind, question) => {
    const state = await ask(question);
    expect(state.responseType).toBe(4);
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe(EMPTY);
  });

  it('then a DM of zero-width characters is told it is empty, and a bare mention gets the help text', async () => {
    const reply = await dm('\u200B\u200D\uFEFF');
    expect(reply.content).toBe(EMPTY);

    const mention = fake.sendMessage({ content: '  ', mentionBot: true });
    const help = await replyTo(fake, mention);
    expect(help.embeds[0]!.title).toBe('How to ask');
  });
});

describe('given a question at and beyond the length limit', () => {
  it('then exactly the limit is answered, by /ask and in a DM, counting an emoji as one character', async () => {
    const atLimit = '博通'.repeat(maxLength / 2);
    const withEmoji = `博通${'😀'.repeat(maxLength - 2)}`; // maxLength characters, twice as many UTF-16 units
    expect([...withEmoji]).toHaveLength(maxLength);

    for (const question of [atLimit, withEmoji]) {
      const state = await ask(question);
      expect(state.ephemeral).toBe(false);
      expect(quotedParagraphs(state)[0]).toBe(24);
      expectWithinDiscordLimits(state);
    }
    expect(quotedParagraphs(await dm(atLimit))[0]).toBe(24);
  });

  it('then one character more is refused with the length and the limit: ephemerally by /ask, plainly in a DM', async () => {
    const tooLong = `${'博通'.repeat(maxLength / 2)}?`;
    const state = await ask(tooLong);
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe(
      `That question is ${maxLength + 1} characters long; the limit is ${maxLength}. Please shorten it.`,
    );

    const reply = await dm(tooLong);
    expect(reply.content).toBe(`这个问题有 ${maxLength + 1} 个字符,上限是 ${maxLength} 个。请缩短后再问。`);
    expect(reply.embeds).toEqual([]);
  });

  it('then a DM far beyond the limit (4000 characters) gets the same clear message', async () => {
    const reply = await dm('a'.repeat(4000));
    expect(reply.content).toBe(`That question is 4000 characters long; the limit is ${maxLength}. Please shorten it.`);
  });
});

describe('given control and zero-width characters inside a question', () => {
  const question = '\u0007博通\u0000的股价\u200B为什么\u200D上升\u202E\uFEFF';

  it('then they are ignored: the question is answered, and echoed without them', async () => {
    const state = await ask(question);
    expect(quotedParagraphs(state)[0]).toBe(24);
    expect(state.content).toMatch(/^\*\*Question:\*\* /);
    expect(state.content).not.toMatch(INVISIBLE_OR_CONTROL);
    expect(state.content).toContain('博通');

    expect(quotedParagraphs(await dm(question))[0]).toBe(24);
  });
});

describe('given a question of emoji only', () => {
  it('then the bot says the article does not cover it, by /ask and in a DM', async () => {
    const state = await ask('😀🎉🔥👍');
    expect(state.embeds.map((embed) => embed.title)).toEqual([NOT_COVERED]);
    expect(state.content).toBe('**Question:** 😀🎉🔥👍');

    const reply = await dm('🤔🤔🤔');
    expect(reply.embeds.map((embed) => embed.title)).toEqual([NOT_COVERED]);
  });
});

describe('given a question made of @everyone, @here, role and user mentions', () => {
  const mentions = '@everyone @here <@&123456789012345678> <@123456789012345679> <@!123456789012345680>';

  it('then, with nothing else in it, it is told the question is empty, by /ask and in a DM', async () => {
    const state = await ask(mentions);
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe(EMPTY);
    expect((await dm(mentions)).content).toBe(EMPTY);
  });

  it('then, around a question, /ask, a DM and a mention in a channel answer it, and nobody is pinged', async () => {
    const state = await ask(`${mentions} 博通的股价为什么上升`);
    expect(quotedParagraphs(state)[0]).toBe(24);
    expect(state.content).toMatch(/@everyone @here <@&123456789012345678\\?>/); // echoed as written…
    expect(state.original?.pings).toEqual(NOBODY_PINGED); // …but it notifies nobody
    expect(state.original?.message.mention_everyone).toBe(false);

    const reply = await dm(`${mentions} 博通`);
    expect(quotedParagraphs(reply)[0]).toBe(24);
    expect(reply.pings).toEqual(NOBODY_PINGED);

    const inChannel = fake.sendMessage({
      content: `${mentions} 博通的股价为什么上升`,
      mentionBot: true,
      mentions: ['123456789012345679', '123456789012345680'],
      mentionRoles: ['123456789012345678'],
      overrides: { mention_everyone: true },
    });
    const channelReply = await replyTo(fake, inChannel);
    expect(quotedParagraphs(channelReply)[0]).toBe(24);
    expect(channelReply.pings).toEqual(NOBODY_PINGED);
  });
});

describe('given markdown, backticks and spoiler markers in a question', () => {
  // A block quote and a heading at the start, bold, spoiler, code, code block, strike-through, underline, subtext, a masked link.
  const question = '> # **博通** ||股价|| `上升` ```博通``` ~~博通~~ __股价__ -# 博通 [博通](https://example.com)';

  it('then it is answered and echoed literally: every marker escaped, nothing hidden, linked or formatted', async () => {
    const state = await ask(question);
    expect(quotedParagraphs(state)[0]).toBe(24);
    // The first line echoes the question; a caveat naming words the article lacks may follow it.
    const echoed = state.content!.split('\n')[0]!.replace(/^\*\*Question:\*\* /, '');
    expect(echoed).not.toMatch(UNESCAPED_MARKDOWN);
    expect(echoed.replace(/\\(.)/g, '$1')).toBe(question); // unescaped, it is the question exactly
  });
});

describe('given scripts the model has never seen', () => {
  it.each([
    ['Tamil', 'இந்தக் கட்டுரை எதைப் பற்றியது?'],
    ['Amharic', 'ይህ ጽሑፍ ስለ ምንድን ነው?'],
    ['Korean', '이 기사는 무엇에 관한 것입니까?'],
  ])('then a question in %s is declined cleanly, in English words', async (_script, question) => {
    const state = await ask(question);
    expect(state.responseType).toBe(4);
    expect(state.embeds.map((embed) => embed.title)).toEqual([NOT_COVERED]);
    expect(embedText(state.embeds[0]!)).toContain('• 暴风雨的前夜');
    expectWithinDiscordLimits(state);

    const reply = await dm(question);
    expect(reply.embeds.map((embed) => embed.title)).toEqual([NOT_COVERED]);
  });

  it('then such a question that names something in the article is answered', async () => {
    const state = await ask('브로드컴 博通 주가는 왜 올랐나요?');
    expect(quotedParagraphs(state)[0]).toBe(24);
  });
});

describe('given all of the above', () => {
  it('then no request the bot sent could ping anyone, every reply fit Discord, and nothing was logged as an error', () => {
    expectNobodyPinged(fake);
    for (const message of fake.botMessages()) expectWithinDiscordLimits(message);
    expect(errorLines(running.log)).toEqual([]);
    expect(fake.unknownRoutes).toEqual([]);
  });
});
