import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationIntegrationType, InteractionContextType } from 'discord-api-types/v10';
import { FakeDiscord, type InteractionState, type MessageRecord } from '../support/fake-discord.js';
import { makeTinyModel, removeTempDirs, tempDir } from '../support/fixtures.js';
import {
  errorLines,
  expectWithinDiscordLimits,
  HEARTBEAT_MS,
  MANAGE_GUILD_PERMISSIONS,
  startBot,
  type RunningBot,
} from '../support/bot-harness.js';
import { QuestionLog } from '../../src/store/question-log.js';

/**
 * A user-installed app: the user added the bot to their own account and uses it where the bot is
 * not a member. Discord sends those interactions authorized by the user alone, from a channel the
 * bot cannot see; the fake answers any REST request to such a channel or server 403, and every
 * test here expects the bot to have made none.
 */

const READER = '200000000000000031';
const FRIEND = '200000000000000032';

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

afterEach(() => {
  expect(fake.forbiddenRequests).toEqual([]);
  expect(errorLines(running.log)).toEqual([]);
});

afterAll(async () => {
  await running?.bot.stop();
  await questionLog?.close();
  await fake?.close();
  await removeTempDirs();
});

const componentId = (message: MessageRecord, start: string) =>
  String(fake.componentsOf(message).find((component) => String(component.custom_id).startsWith(start))?.custom_id);
const labels = (message: MessageRecord) => fake.componentsOf(message).map((component) => component.label);

describe('given the commands as registered', () => {
  const byName = () => new Map(fake.globalCommands.map((command) => [command.name, command]));

  it('then /ask, /read, /help, /about and Ask the article install to a server or a user, and work in servers, the DM with the bot and group DMs', () => {
    for (const name of ['ask', 'read', 'help', 'about', 'Ask the article']) {
      const command = byName().get(name)!;
      expect(command.integration_types, name).toEqual([
        ApplicationIntegrationType.GuildInstall,
        ApplicationIntegrationType.UserInstall,
      ]);
      expect(command.contexts, name).toEqual([
        InteractionContextType.Guild,
        InteractionContextType.BotDM,
        InteractionContextType.PrivateChannel,
      ]);
    }
  });

  it('then /reindex, /corpus and /stats install to servers only, and work in servers and the DM with the bot only', () => {
    for (const name of ['reindex', 'corpus', 'stats']) {
      const command = byName().get(name)!;
      expect(command.integration_types, name).toEqual([ApplicationIntegrationType.GuildInstall]);
      expect(command.contexts, name).toEqual([InteractionContextType.Guild, InteractionContextType.BotDM]);
    }
  });
});

describe('given /ask in a server that did not invite the bot, where the asker installed the app', () => {
  let answer: InteractionState;
  beforeAll(async () => {
    answer = await fake.sendInteraction({
      name: 'ask',
      options: { question: '什么是杰文斯悖论?' },
      userId: READER,
      userInstall: 'guild',
    }).done;
  });

  it('then the answer comes through the interaction, privately by default, with a Share button', () => {
    expect(answer.guildId).toBe(fake.foreignGuildId);
    expect(answer.ephemeral).toBe(true);
    expect(answer.embeds.length).toBeGreaterThan(0);
    expect(labels(answer.original!)).toContain('Share');
    expectWithinDiscordLimits(answer);
  });

  it('then Share posts it for everyone there, through the click’s own interaction', async () => {
    const shared = await fake.clickButton(answer.original!, componentId(answer.original!, 'ans1:s:')).done;
    expect(shared.ephemeral).toBe(false);
    expect(shared.content).toContain(`<@${READER}>`);
    expect(shared.embeds).toEqual(answer.embeds);
    expect(labels(shared.original!)).not.toContain('Share');
  });

  it('then its buttons work there: More and Context answer privately', async () => {
    const more = await fake.clickButton(answer.original!, componentId(answer.original!, 'ans1:m:')).done;
    expect(more.ephemeral).toBe(true);
    expect(more.embeds.length).toBeGreaterThan(0);
    const context = await fake.clickButton(answer.original!, componentId(answer.original!, 'ans1:c:')).done;
    expect(context.embeds.length).toBeGreaterThan(0);
  });

  it('then private:False makes it public, as the asker chose', async () => {
    const state = await fake.sendInteraction({
      name: 'ask',
      options: { question: '什么是杰文斯悖论?', private: false },
      userInstall: 'guild',
    }).done;
    expect(state.ephemeral).toBe(false);
  });
});

describe('given /ask in a group DM, where the bot is not a member', () => {
  let answer: InteractionState;
  beforeAll(async () => {
    answer = await fake.sendInteraction({
      name: 'ask',
      options: { question: '英伟达市值一天蒸发了多少?' },
      userId: READER,
      userInstall: 'private-channel',
    }).done;
  });

  it('then the friends in the conversation see the answer, with its buttons', () => {
    expect(answer.guildId).toBeNull();
    expect(answer.ephemeral).toBe(false);
    expect(answer.embeds.length).toBeGreaterThan(0);
    expect(labels(answer.original!)).toContain('👍');
  });

  it('then a friend’s click on Context answers the friend alone, and a vote is acknowledged', async () => {
    const context = await fake.clickButton(answer.original!, componentId(answer.original!, 'ans1:c:'), {
      userId: FRIEND,
    }).done;
    expect(context.ephemeral).toBe(true);
    const vote = await fake.clickButton(answer.original!, componentId(answer.original!, 'ans1:u:'), {
      userId: FRIEND,
    }).done;
    expect(vote.content).toMatch(/thanks/i);
  });
});

describe('given the other commands where the bot is not a member', () => {
  it('then /read turns its pages there', async () => {
    const page = await fake.sendInteraction({ name: 'read', userId: READER, userInstall: 'private-channel' }).done;
    expect(page.embeds.length).toBeGreaterThan(0);
    const next = await fake.clickButton(page.original!, componentId(page.original!, 'read1:p:')).done;
    expect(next.embeds[0]!.title).not.toBe(page.embeds[0]!.title);
  });

  it('then /about and /help answer there', async () => {
    for (const name of ['about', 'help']) {
      const state = await fake.sendInteraction({ name, userInstall: 'guild' }).done;
      expect(state.embeds.length, name).toBeGreaterThan(0);
    }
  });

  it('then Ask the article answers a message in a channel the bot cannot see', async () => {
    const state = await fake.sendMessageCommand({
      name: 'Ask the article',
      target: { content: '博通的股价为什么上升' },
      userInstall: 'guild',
    }).done;
    expect(state.ephemeral).toBe(true);
    expect(state.embeds.length).toBeGreaterThan(0);
  });

  it('then /ask in the DM with the bot, through the user’s installation, is answered as any DM question', async () => {
    const state = await fake.sendInteraction({
      name: 'ask',
      options: { question: '杰文斯悖论' },
      userInstall: 'bot-dm',
    }).done;
    expect(state.ephemeral).toBe(false);
    expect(state.embeds.length).toBeGreaterThan(0);
  });

  it('then managing a server that did not invite the bot gives no say over it', async () => {
    const state = await fake.sendInteraction({
      name: 'stats',
      memberPermissions: MANAGE_GUILD_PERMISSIONS,
      userInstall: 'guild',
    }).done;
    expect(state.ephemeral).toBe(true);
    expect(state.content).toMatch(/Manage Server permission/);
  });
});

describe('given questions from each place', () => {
  it('then the question log records where each was asked, and /stats counts them', async () => {
    await fake.sendInteraction({ name: 'ask', options: { question: '杰文斯悖论' } }).done;
    await fake.sendInteraction({ name: 'ask', options: { question: '杰文斯悖论' }, dm: true }).done;
    const stats = await fake.sendInteraction({
      name: 'stats',
      memberPermissions: MANAGE_GUILD_PERMISSIONS,
    }).done;
    const report = await questionLog.report(1);
    expect(report.byInstallation.server).toBeGreaterThanOrEqual(1);
    expect(report.byInstallation['user-in-server']).toBeGreaterThanOrEqual(2);
    expect(report.byInstallation['private-channel']).toBeGreaterThanOrEqual(1);
    expect(report.byInstallation['bot-dm']).toBeGreaterThanOrEqual(2);
    const where = stats.embeds[0]!.fields.find((field: { name: string }) => field.name === 'Where asked');
    expect(where.value).toContain(`servers with the bot ${report.byInstallation.server}`);
    expect(where.value).toContain(`servers through a user’s install ${report.byInstallation['user-in-server']}`);
  });
});
