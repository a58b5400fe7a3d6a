import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';
import { FakeDiscord, snowflake } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import {
  expectNobodyPinged,
  KNOWN_ANSWERS,
  quotedParagraphs,
  replyTo,
  watchUnhandledRejections,
} from '../../support/reliability.js';

/** discord.js makes a request once and retries a 5xx this many times. */
const ATTEMPTS = 4;

let fake: FakeDiscord;
let running: RunningBot;
let unhandled: ReturnType<typeof watchUnhandledRejections>;

beforeAll(async () => {
  unhandled = watchUnhandledRejections();
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, { modelDir: await makeTinyModel() });
});

afterAll(async () => {
  unhandled?.stop();
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

const callbackOf = (id: string) => new RegExp(`^/interactions/${id}/[^/]+/callback$`);
const messagesIn = (channelId: string) => new RegExp(`^/channels/${channelId}/messages$`);

/** A DM from a new user, with its channel known before it is sent (so a fault can be armed for the reply). */
function dmChannel(): { userId: string; channelId: string } {
  const userId = snowflake();
  return { userId, channelId: fake.dmChannelId(userId) };
}

function logLines(message: string) {
  return running.log.lines().filter((line) => line.msg === message);
}

describe('given Discord answers a reply with a 500 once', () => {
  it('then discord.js retries it: the DM and the slash command are answered, and the retry is logged', async () => {
    const { userId, channelId } = dmChannel();
    fake.failNext({ method: 'POST', pathPattern: messagesIn(channelId), status: 500 });
    const reply = await replyTo(
      fake,
      fake.sendMessage({ content: KNOWN_ANSWERS[0]!.question, dm: true, authorId: userId }),
    );
    expect(quotedParagraphs(reply)[0]).toBe(KNOWN_ANSWERS[0]!.paragraph);
    expect(fake.requestsTo('POST', messagesIn(channelId)).map((request) => request.status)).toEqual([500, 200]);

    const handle = fake.sendInteraction({ name: 'ask', options: { question: KNOWN_ANSWERS[1]!.question } });
    fake.failNext({ method: 'POST', pathPattern: callbackOf(handle.id), status: 500 });
    expect(quotedParagraphs(await handle.done)[0]).toBe(KNOWN_ANSWERS[1]!.paragraph);
    expect(fake.requestsTo('POST', callbackOf(handle.id)).map((request) => request.status)).toEqual([500, 204]);

    expect(logLines('Discord answered with a server error; retrying')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 40,
          method: 'POST',
          route: '/channels/:id/messages',
          status: 500,
          attempt: 1,
        }),
        expect.objectContaining({
          level: 40,
          method: 'POST',
          route: '/interactions/:id/:token/callback',
          status: 500,
          attempt: 1,
        }),
      ]),
    );
  });
});

describe('given Discord rate limits a reply (429)', () => {
  it('then discord.js waits the Retry-After and retries: both are answered in time, and the wait is logged', async () => {
    const { userId, channelId } = dmChannel();
    fake.failNext({ method: 'POST', pathPattern: messagesIn(channelId), status: 429, retryAfter: 0.3 });
    const dm = fake.sendMessage({ content: KNOWN_ANSWERS[2]!.question, dm: true, authorId: userId });
    const reply = await replyTo(fake, dm);
    expect(quotedParagraphs(reply)[0]).toBe(KNOWN_ANSWERS[2]!.paragraph);
    const [limited, retried] = fake.requestsTo('POST', messagesIn(channelId));
    expect([limited!.status, retried!.status]).toEqual([429, 200]);
    expect(retried!.time - limited!.time).toBeGreaterThanOrEqual(290);

    const handle = fake.sendInteraction({ name: 'ask', options: { question: KNOWN_ANSWERS[3]!.question } });
    fake.failNext({ method: 'POST', pathPattern: callbackOf(handle.id), status: 429, retryAfter: 0.3 });
    const state = await handle.done;
    expect(quotedParagraphs(state)[0]).toBe(KNOWN_ANSWERS[3]!.paragraph);
    expect(fake.requestsTo('POST', callbackOf(handle.id)).map((request) => request.status)).toEqual([429, 204]);

    const waits = logLines('rate limited by Discord; retrying after the wait');
    expect(waits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 40, route: '/channels/:id/messages', status: 429, retryAfterS: 0.3 }),
        expect.objectContaining({
          level: 40,
          route: '/interactions/:id/:token/callback',
          status: 429,
          retryAfterS: 0.3,
        }),
      ]),
    );
    expect(running.log.text()).not.toContain(handle.token); // the interaction's token is not in the log
  });
});

describe('given a reply that keeps failing', () => {
  it('then, after the retries, the failure is logged with who and where, the apology is attempted, and the bot carries on', async () => {
    // Every attempt fails: the answer, then the apology.
    const { userId, channelId } = dmChannel();
    fake.failNext({ method: 'POST', pathPattern: messagesIn(channelId), status: 500, count: 2 * ATTEMPTS });
    fake.sendMessage({ content: KNOWN_ANSWERS[4]!.question, dm: true, authorId: userId });
    await fake.waitFor(
      () => fake.requestsTo('POST', messagesIn(channelId)).filter((request) => request.status).length === 2 * ATTEMPTS,
      10_000,
      'the attempts',
    );

    const handle = fake.sendInteraction({ name: 'ask', options: { question: KNOWN_ANSWERS[5]!.question } });
    fake.failNext({ method: 'POST', pathPattern: callbackOf(handle.id), status: 500, count: 2 * ATTEMPTS });
    await fake.waitFor(
      () => fake.requestsTo('POST', callbackOf(handle.id)).filter((request) => request.status).length === 2 * ATTEMPTS,
      10_000,
      'the attempts',
    );
    await fake.waitFor(() => logLines('could not deliver the error reply').length >= 2, 5000, 'the apologies to fail');

    const failures = logLines('failed to answer');
    expect(failures).toEqual([
      expect.objectContaining({
        level: 50,
        source: 'dm',
        user: userId,
        channel: channelId,
        guild: null,
        err: expect.objectContaining({ status: 500 }),
      }),
      expect.objectContaining({
        level: 50,
        command: 'ask',
        user: handle.state.userId,
        channel: fake.textChannelId,
        guild: fake.guildId,
        err: expect.objectContaining({ status: 500 }),
      }),
    ]);
    for (const failure of failures) expect(failure.err).not.toHaveProperty('requestBody'); // the reply's text is not logged
    expect(logLines('could not deliver the error reply')).toEqual([
      expect.objectContaining({ level: 40, source: 'dm', user: userId }),
      expect.objectContaining({ level: 40, command: 'ask', user: handle.state.userId }),
    ]);
    expect(logLines('Discord answered with a server error; giving up').length).toBeGreaterThanOrEqual(4);
    expect(running.log.text()).not.toContain(handle.token);

    // Still up, and answering.
    expect(running.bot.client.isReady()).toBe(true);
    const later = await fake.sendInteraction({ name: 'ask', options: { question: KNOWN_ANSWERS[6]!.question } }).done;
    expect(quotedParagraphs(later)[0]).toBe(KNOWN_ANSWERS[6]!.paragraph);
    expect(
      quotedParagraphs(await replyTo(fake, fake.sendMessage({ content: KNOWN_ANSWERS[7]!.question, dm: true })))[0],
    ).toBe(KNOWN_ANSWERS[7]!.paragraph);
  });

  it('then a reply Discord refuses for good (403 Missing Permissions) is logged once, with context, and not retried or apologised for', async () => {
    const { userId, channelId } = dmChannel();
    fake.failNext({ method: 'POST', pathPattern: messagesIn(channelId), status: 403 });
    fake.sendMessage({ content: KNOWN_ANSWERS[0]!.question, dm: true, authorId: userId });
    await fake.waitFor(
      () => logLines('a reply could not be delivered').some((line) => line.user === userId),
      5000,
      'the log line',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(fake.requestsTo('POST', messagesIn(channelId))).toHaveLength(1);
    expect(logLines('a reply could not be delivered').find((line) => line.user === userId)).toMatchObject({
      level: 40,
      source: 'dm',
      channel: channelId,
      err: { code: 50013, status: 403 },
    });
  });
});

describe('given all of the above', () => {
  it('then no promise rejection went unhandled, the bot is still connected, and nobody was pinged', () => {
    expect(unhandled.reasons).toEqual([]);
    expect(running.bot.client.isReady()).toBe(true);
    expect(fake.connectionCount).toBe(1);
    expectNobodyPinged(fake);
  });
});
