import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, startBot, type RunningBot } from '../support/bot-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../support/fixtures.js';
import { replyTo } from '../support/reliability.js';

let fake: FakeDiscord;
let running: RunningBot;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS });
  running = await startBot(fake, { modelDir: await makeTinyModel(), logLevel: 'debug' });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

describe('given questions refused as too long, in a DM and in a server', () => {
  it('then the refusals are logged at info without the user, server or channel ids, which only debug carries', async () => {
    const tooLong = '博'.repeat(running.config.limits.maxQuestionLength + 1);
    const dm = fake.sendMessage({ content: tooLong, dm: true });
    await replyTo(fake, dm);
    const slash = await fake.sendInteraction({ name: 'ask', options: { question: tooLong } }).done;
    expect(slash.content).toMatch(/501 characters long/);

    const lines = running.log.lines();
    const refusals = lines.filter((line) => line.msg === 'told the user about a problem they can fix');
    expect(refusals).toEqual([
      expect.objectContaining({ level: 30, source: 'dm', problem: 'questionTooLong' }),
      expect.objectContaining({ level: 30, command: 'ask', problem: 'questionTooLong' }),
    ]);
    const ids = [dm.authorId, dm.channelId, slash.userId, fake.guildId, fake.textChannelId];
    const aboveDebug = JSON.stringify(lines.filter((line) => (line.level as number) > 20));
    for (const id of ids) expect(aboveDebug).not.toContain(id);
    const debug = lines.filter((line) => line.msg === 'the problem was told to this user, here');
    expect(debug).toEqual([
      expect.objectContaining({ level: 20, user: dm.authorId, channel: dm.channelId }),
      expect.objectContaining({ level: 20, user: slash.userId, guild: fake.guildId }),
    ]);
  });
});
