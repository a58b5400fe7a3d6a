import { rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, snowflake, type InteractionState, type JsonObject } from '../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../support/fixtures.js';
import {
  ADMIN_USER_ID,
  embedText,
  errorLines,
  expectWithinDiscordLimits,
  HEARTBEAT_MS,
  MANAGE_GUILD_PERMISSIONS,
  startBot,
  type RunningBot,
} from '../support/bot-harness.js';
import { openInstrumented } from '../support/reliability.js';

const EPHEMERAL = 64;
const INTENTS = { Guilds: 1 << 0, GuildMessages: 1 << 9, DirectMessages: 1 << 12 };
/** What Discord requires of a localized command or option name. */
const DISCORD_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const NOBODY_PINGED = { users: [], roles: [], everyone: false, repliedUser: false };

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  // The fake refuses callbacks later than Discord's 3 s, as Discord does.
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, {
    modelDir: await makeTinyModel(),
    // Every rebuild embeds the whole article, as before the embedding cache: /reindex's progress and its joining a
    // rebuild in progress are shown on a rebuild that takes a while (tests/bot/commands/corpus.test.ts covers the cache).
    openKnowledgeBase: async (config, logger) => (await openInstrumented(config, logger)).knowledgeBase,
  });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

function ask(question: string, extra: Partial<Parameters<FakeDiscord['sendInteraction']>[0]> = {}) {
  return fake.sendInteraction({ name: 'ask', options: { question }, ...extra }).done;
}

/** The paragraph numbers quoted by an answer, in order, read from the embed titles. */
function quotedParagraphs(state: { embeds: JsonObject[] }): number[] {
  return state.embeds.map((embed) => Number(/(?:paragraph|第) (\d+)/.exec(String(embed.title))?.[1]));
}

function reindexLines(): number {
  return running.log.lines().filter((line) => line.msg === 'reindexed').length;
}

describe('given the bot starts against Discord', () => {
  it('then it logs in with the token and only the Guilds, GuildMessages and DirectMessages intents', () => {
    expect(fake.identifyPayloads).toHaveLength(1);
    expect(fake.identifyPayloads[0]?.token).toBe(fake.token);
    expect(fake.identifyPayloads[0]?.intents).toBe(INTENTS.Guilds | INTENTS.GuildMessages | INTENTS.DirectMessages);
    expect(fake.requestsTo('GET', '/gateway/bot')[0]?.authorization).toBe(`Bot ${fake.token}`);
  });

  it('then it registers its slash commands and its message command globally by one bulk overwrite, with Chinese localizations', () => {
    const puts = fake.requestsTo('PUT', `/applications/${fake.applicationId}/commands`);
    expect(puts).toHaveLength(1);
    expect(fake.requestsTo('PUT', /\/guilds\/\d+\/commands$/)).toHaveLength(0);
    const body = puts[0]!.body as JsonObject[];
    expect(body.map((command) => command.name)).toEqual([
      'ask',
      'read',
      'about',
      'help',
      'reindex',
      'stats',
      'corpus',
      'Ask the article',
    ]);
    expect(fake.globalCommands.map((command) => command.name)).toEqual([
      'ask',
      'read',
      'about',
      'help',
      'reindex',
      'stats',
      'corpus',
      'Ask the article',
    ]);

    const slashCommands = body.filter((command) => command.type !== 3);
    for (const command of slashCommands) {
      expect(Object.keys(command.name_localizations).sort()).toEqual(['zh-CN', 'zh-TW']);
      expect(Object.keys(command.description_localizations).sort()).toEqual(['zh-CN', 'zh-TW']);
      const names = [
        ...Object.values(command.name_localizations),
        ...(command.options ?? []).flatMap((option: JsonObject) => Object.values(option.name_localizations)),
      ];
      for (const name of names as string[]) {
        expect(name).toMatch(DISCORD_NAME);
        expect(name).toBe(name.toLowerCase());
      }
      if (['reindex', 'stats', 'corpus'].includes(command.name)) {
        expect(command.contexts).toEqual([0, 1]); // servers and DMs with the bot
        expect(command.integration_types).toEqual([0]); // installed with a server only
      } else {
        expect(command.contexts).toEqual([0, 1, 2]); // and group DMs and DMs between users
        expect(command.integration_types).toEqual([0, 1]); // installed with a server or by a user
      }
    }
    const [askCommand, about, help, reindex] = ['ask', 'about', 'help', 'reindex'].map((name) =>
      body.find((command) => command.name === name),
    );
    const askTheArticle = body.find((command) => command.type === 3);
    expect(askTheArticle).toMatchObject({
      name: 'Ask the article',
      name_localizations: { 'zh-CN': '问这篇文章', 'zh-TW': '問這篇文章' },
      contexts: [0, 1, 2],
      integration_types: [0, 1],
    });
    expect(askCommand!.name_localizations).toEqual({ 'zh-CN': '提问', 'zh-TW': '提問' });
    expect(help!.name_localizations).toEqual({ 'zh-CN': '帮助', 'zh-TW': '幫助' });
    expect(askCommand!.options).toMatchObject([
      {
        name: 'question',
        type: 3,
        required: true,
        max_length: running.config.limits.maxQuestionLength,
        name_localizations: { 'zh-CN': '问题', 'zh-TW': '問題' },
      },
      { name: 'private', type: 5, required: false },
    ]);
    expect(reindex!.default_member_permissions).toBe('32'); // Manage Server
    for (const command of [askCommand, about, help]) expect(command!.default_member_permissions ?? null).toBeNull();
    expect(fake.unknownRoutes).toEqual([]);
  });
});

describe('given /ask', () => {
  it('then a question about the Jevons paradox quotes a paragraph that explains it first, with its section, bold sentences and relevance, for everyone to see', async () => {
    const state = await ask('什么是杰文斯悖论?');

    expect(state.ephemeral).toBe(false);
    expect([9, 21]).toContain(quotedParagraphs(state)[0]); // the eval set's answers to this question
    const first = state.embeds[0]!;
    expect(first.title).toMatch(/^1\. (暴风雨的前夜|下一步最关键的疑问是什么\?) · paragraph (9|21)$/);
    expect(first.description).toMatch(/\*\*[^*]*杰文斯[^*]*\*\*/);
    expect(first.footer.text).toMatch(/^Relevance -?\d\.\d\d( · contains \d+% of the question’s words)?$/);
    expect(state.content).toBe('**Question:** 什么是杰文斯悖论?');
    expect(state.embeds.length).toBeGreaterThanOrEqual(1);
    expect(state.embeds.length).toBeLessThanOrEqual(running.config.retrieval.topK);
  });

  it('then a question about Broadcom quotes paragraph 24 first', async () => {
    const state = await ask('博通的股价为什么上升');
    expect(quotedParagraphs(state)[0]).toBe(24);
    expect(state.embeds[0]!.description).toContain('博通');
  });

  it('then with private:true the answer is ephemeral (flags 64)', async () => {
    const state = await fake.sendInteraction({ name: 'ask', options: { question: '博通', private: true } }).done;
    expect(state.ephemeral).toBe(true);
    expect(state.callbacks[0]?.data?.flags).toBe(EPHEMERAL);
    expect(quotedParagraphs(state)[0]).toBe(24);
  });

  it('then a question full of @everyone, role and user mentions pings nobody', async () => {
    const state = await ask('@everyone @here <@&123456789012345678> <@123456789012345679> 博通');

    expect(state.content).toContain('@everyone');
    expect(state.original?.pings).toEqual(NOBODY_PINGED);
    expect(state.original?.allowedMentions).toMatchObject({ parse: [] });
    expect(state.original?.message.mention_everyone).toBe(false);
  });

  it('then markdown in the question is echoed literally', async () => {
    const state = await ask('**博通** ||spoiler|| `code` __x__');
    // The first line echoes the question (a caveat may follow: the article never mentions "code").
    expect(state.content!.split('\n')[0]).toBe(
      '**Question:** \\*\\*博通\\*\\* \\|\\|spoiler\\|\\| \\`code\\` \\_\\_x\\_\\_',
    );
  });

  it('then a whitespace-only question is refused, ephemerally', async () => {
    const state = await ask('   ');
    expect(state.ephemeral).toBe(true);
    expect(state.content).toBe('The question is empty. Please write what you would like to know.');
  });

  it('then a zh-CN user gets the bot’s words in simplified Chinese, and a zh-TW user in traditional', async () => {
    const simplified = await ask('博通', { locale: 'zh-CN' });
    expect(simplified.content).toBe('**问题:** 博通');
    expect(simplified.embeds[0]!.title).toMatch(/第 24 段$/);
    expect(simplified.embeds[0]!.footer.text).toMatch(/^相关度 /);

    const traditional = await ask('博通', { locale: 'zh-TW' });
    expect(traditional.content).toBe('**問題:** 博通');
    expect(traditional.embeds[0]!.footer.text).toMatch(/^相關度 /);
  });

  it('then it works in a DM with the bot too', async () => {
    const state = await ask('博通', { dm: true });
    expect(state.guildId).toBeNull();
    expect(quotedParagraphs(state)[0]).toBe(24);
  });
});

describe('given a direct message', () => {
  it('then a question from a never-seen user, in a channel the bot has never seen, is answered as a reply that pings nobody', async () => {
    const dm = fake.sendMessage({ content: '博通的股价为什么上升?', dm: true });
    const reply = await fake.waitForMessage(dm.channelId, (message) => message.replyTo === dm.id);

    expect(reply.guildId).toBeNull();
    expect(quotedParagraphs(reply)[0]).toBe(24);
    expect(reply.embeds[0]!.footer.text).toMatch(/^相关度 /); // written in Chinese, answered in Chinese
    expect(reply.content).toBe('');
    expect(reply.pings).toEqual(NOBODY_PINGED);
    expect(reply.allowedMentions).toMatchObject({ parse: [], replied_user: false });
  });

  it('then a question in English gets the bot’s words in English, and one in traditional Chinese in traditional', async () => {
    const english = fake.sendMessage({ content: 'Why did Broadcom stock rise? 博通', dm: true });
    const chinese = fake.sendMessage({ content: '博通的股價為什麼上漲?', dm: true });
    const [englishReply, chineseReply] = await Promise.all([
      fake.waitForMessage(english.channelId, (message) => message.replyTo === english.id),
      fake.waitForMessage(chinese.channelId, (message) => message.replyTo === chinese.id),
    ]);
    // Mixed text counts as Chinese: the English sentence with 博通 in it is answered in Chinese.
    expect(englishReply.embeds[0]!.footer.text).toMatch(/^相关度 /);
    expect(chineseReply.embeds[0]!.footer.text).toMatch(/^相關度 /);

    const plain = fake.sendMessage({ content: 'Why did Broadcom stock rise?', dm: true });
    const plainReply = await fake.waitForMessage(plain.channelId, (message) => message.replyTo === plain.id);
    expect(plainReply.embeds[0]!.footer.text).toMatch(/^Relevance /);
  });

  it('then "help" gets the help text, and "帮助" gets it in Chinese', async () => {
    const help = fake.sendMessage({ content: 'help', dm: true });
    const zh = fake.sendMessage({ content: '帮助', dm: true });
    const [helpReply, zhReply] = await Promise.all([
      fake.waitForMessage(help.channelId, (message) => message.replyTo === help.id),
      fake.waitForMessage(zh.channelId, (message) => message.replyTo === zh.id),
    ]);
    expect(helpReply.embeds[0]!.title).toBe('How to ask');
    expect(embedText(helpReply.embeds[0]!)).toContain('What is the Jevons paradox?');
    expect(zhReply.embeds[0]!.title).toBe('如何提问');
  });

  it('then a message longer than the limit gets a clear message instead of an answer', async () => {
    const tooLong = '博'.repeat(running.config.limits.maxQuestionLength + 1);
    const dm = fake.sendMessage({ content: tooLong, dm: true });
    const reply = await fake.waitForMessage(dm.channelId, (message) => message.replyTo === dm.id);
    expect(reply.content).toBe(
      `这个问题有 ${tooLong.length} 个字符,上限是 ${running.config.limits.maxQuestionLength} 个。请缩短后再问。`,
    );
    expect(reply.embeds).toEqual([]);
  });
});

describe('given a server channel', () => {
  it('then a message mentioning the bot is answered as a reply, the mention stripped from the question', async () => {
    const message = fake.sendMessage({ content: '博通的股价为什么上升', mentionBot: true });
    const reply = await fake.waitForMessage(fake.textChannelId, (candidate) => candidate.replyTo === message.id);

    expect(quotedParagraphs(reply)[0]).toBe(24);
    expect(reply.pings).toEqual(NOBODY_PINGED);
    expect(reply.content).toBe('');
  });

  it('then messages that do not mention the bot get no answer', async () => {
    const before = fake.botMessages(fake.textChannelId).length;
    fake.sendMessage({ content: '博通 @everyone' });
    fake.sendMessage({ content: `<@${snowflake()}> 博通`, mentions: [] });
    const marker = fake.sendMessage({ content: 'help', mentionBot: true });
    await fake.waitForMessage(fake.textChannelId, (message) => message.replyTo === marker.id);
    expect(fake.botMessages(fake.textChannelId)).toHaveLength(before + 1);
  });
});

describe('given /about and /help', () => {
  it('then /about shows the article title, 25 passages, the model and when the index was built', async () => {
    const state = await fake.sendInteraction({ name: 'about' }).done;
    const embed = state.embeds[0]!;
    const builtAt = (await running.bot.ready).manifest.builtAt;

    expect(embed.title).toBe('王维嘉 DeepSeek为何能血洗美股 (王维嘉的老婆)');
    const fields = Object.fromEntries((embed.fields as JsonObject[]).map((field) => [field.name, field.value]));
    expect(fields.Passages).toBe('25');
    expect(fields.Model).toBe('tiny-model');
    expect(fields['Index built']).toContain(`<t:${Math.floor(Date.parse(builtAt) / 1000)}:f>`);
    expect(fields.Sections).toContain('散户投资人和一线从业者的三大差距');
  });

  it('then /help explains the ways to ask and gives example questions', async () => {
    const state = await fake.sendInteraction({ name: 'help' }).done;
    const text = embedText(state.embeds[0]!);
    expect(text).toContain('/ask');
    expect(text).toContain(`@${fake.botUser.username}`);
    expect(text).toContain("How much did Nvidia's stock fall in a single day?");
    expect(state.ephemeral).toBe(true);
  });

  it('then /help in zh-CN and zh-TW is in simplified and traditional Chinese', async () => {
    const simplified = await fake.sendInteraction({ name: 'help', locale: 'zh-CN' }).done;
    const traditional = await fake.sendInteraction({ name: 'help', locale: 'zh-TW' }).done;
    expect(simplified.embeds[0]!.title).toBe('如何提问');
    expect(embedText(simplified.embeds[0]!)).toContain('什么是杰文斯悖论?');
    expect(traditional.embeds[0]!.title).toBe('如何提問');
    expect(embedText(traditional.embeds[0]!)).toContain('/提問');
  });
});

describe('given /reindex', () => {
  it('then a member without Manage Server is refused, ephemerally, and nothing is rebuilt', async () => {
    const knowledgeBase = await running.bot.ready;
    const builtAt = knowledgeBase.manifest.builtAt;
    const rebuilds = reindexLines();

    const inServer = await fake.sendInteraction({ name: 'reindex' }).done;
    const inDm = await fake.sendInteraction({ name: 'reindex', dm: true }).done;

    for (const state of [inServer, inDm]) {
      expect(state.responseType).toBe(4);
      expect(state.ephemeral).toBe(true);
      expect(state.content).toBe(
        'Only members with the Manage Server permission, or the bot’s admins, can rebuild the index.',
      );
    }
    expect(knowledgeBase.isRebuilding).toBe(false);
    expect(knowledgeBase.manifest.builtAt).toBe(builtAt);
    expect(reindexLines()).toBe(rebuilds);
  });

  it('then a member with Manage Server sees progress, at most one edit a second, and ends with what changed', async () => {
    const knowledgeBase = await running.bot.ready;
    const builtAt = knowledgeBase.manifest.builtAt;

    const handle = fake.sendInteraction({ name: 'reindex', memberPermissions: MANAGE_GUILD_PERMISSIONS });
    const state = await handle.waitFor((current) => /Index rebuilt/.test(current.content ?? ''), 15_000);

    expect(state.callbacks[0]).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(state.ephemeral).toBe(true);
    const contents = state.edits.map((edit) => String(edit.content));
    expect(contents[0]).toMatch(/^Rebuilding the index…/);
    expect(contents.slice(0, -1).join('\n')).toMatch(
      /Reading the article…|Embedding passages: \d+\/\d+ \(\d+%\)|Writing the index…/,
    );
    expect(contents.at(-1)).toMatch(
      /^Index rebuilt in \d+\.\d s: 25 passages \(before: 25\); 0 added, 0 removed, 0 changed; \d+ embedded now, 0 reused\. Answers now come from the new index\.$/,
    );
    const edits = fake.requestsTo(
      'PATCH',
      new RegExp(`/webhooks/${fake.applicationId}/${handle.token}/messages/@original$`),
    );
    for (let index = 1; index < edits.length; index++) {
      expect(edits[index]!.time - edits[index - 1]!.time).toBeGreaterThanOrEqual(900);
    }
    expect(knowledgeBase.manifest.builtAt).not.toBe(builtAt);
  });

  it('then a user in ADMIN_USER_IDS may rebuild from a DM', async () => {
    const state = await fake
      .sendInteraction({ name: 'reindex', dm: true, userId: ADMIN_USER_ID })
      .waitFor((current) => /Index rebuilt/.test(current.content ?? ''), 15_000);
    expect(state.ephemeral).toBe(true);
  });

  it('then a second /reindex during a rebuild joins it and says so: one rebuild for both', async () => {
    const rebuilds = reindexLines();
    const rebuilt = (current: InteractionState) => /Index rebuilt/.test(current.content ?? '');
    const first = fake.sendInteraction({ name: 'reindex', userId: ADMIN_USER_ID });
    await first.waitFor((current) => current.edits.length > 0);
    const second = fake.sendInteraction({ name: 'reindex', userId: ADMIN_USER_ID });

    const [firstState, secondState] = await Promise.all([
      first.waitFor(rebuilt, 15_000),
      second.waitFor(rebuilt, 15_000),
    ]);
    expect(firstState.content).toMatch(/^Index rebuilt/);
    expect(secondState.content).toMatch(
      /^A rebuild was already running, so I am following it instead of starting another\.\nIndex rebuilt/,
    );
    expect(reindexLines()).toBe(rebuilds + 1);
  });

  it('then a rebuild that fails leaves the old index answering and tells the admin why', async () => {
    const knowledgeBase = await running.bot.ready;
    const builtAt = knowledgeBase.manifest.builtAt;
    const article = path.join(running.corpusPath, 'wang-weijia-deepseek-wall-street.txt');
    const hidden = `${article}.hidden`;
    await rename(article, hidden);
    try {
      const state = await fake
        .sendInteraction({ name: 'reindex', userId: ADMIN_USER_ID })
        .waitFor((current) => /rebuild failed/.test(current.content ?? ''), 15_000);
      expect(state.ephemeral).toBe(true);
      expect(state.content).toMatch(
        /^The rebuild failed, so the previous index keeps answering questions\. Reason: .+/,
      );
    } finally {
      await rename(hidden, article);
    }
    expect(knowledgeBase.manifest.builtAt).toBe(builtAt);
    expect(quotedParagraphs(await ask('博通'))[0]).toBe(24);
  });
});

describe('given everything above', () => {
  it('then nothing was logged as an error and no unknown Discord route was called', () => {
    expect(errorLines(running.log)).toEqual([]);
    expect(fake.unknownRoutes).toEqual([]);
    for (const message of fake.botMessages()) expectWithinDiscordLimits(message);
    expect(
      fake
        .botMessages()
        .every(
          (message) => !message.pings.everyone && message.pings.users.length === 0 && message.pings.roles.length === 0,
        ),
    ).toBe(true);
  });
});
