import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_USER_ID,
  errorLines,
  MANAGE_GUILD_PERMISSIONS,
  startBot,
  type RunningBot,
} from '../../support/bot-harness.js';
import { FakeDiscord, type InteractionState, type MessageRecord } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import {
  expectNobodyPinged,
  KNOWN_ANSWERS,
  openInstrumented,
  quotedParagraphs,
  replyTo,
  type InstrumentedEmbedder,
} from '../../support/reliability.js';

/**
 * A short heartbeat, so that a stalled event loop shows within a burst of a few seconds; not so short
 * that a busy machine's ordinary scheduling delay (the fake and the bot share one event loop) misses an ACK
 * and discord.js replaces the connection as a zombie.
 */
const HEARTBEAT_MS = 200;
const RATE_LIMIT_COUNT = 3;
const RATE_LIMIT_WINDOW_SECONDS = 3;
const BURST = 100;
const SLOW_DOWN = new RegExp(
  `^Slow down a little: you can ask ${RATE_LIMIT_COUNT} questions every ${RATE_LIMIT_WINDOW_SECONDS} s\\. Please try again in [1-${RATE_LIMIT_WINDOW_SECONDS}] s\\.$`,
);

let fake: FakeDiscord;
let running: RunningBot;
let embedder: InstrumentedEmbedder;

beforeAll(async () => {
  // The fake refuses interaction callbacks later than Discord's 3 s, as Discord does.
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  running = await startBot(fake, {
    modelDir: await makeTinyModel(),
    env: { RATE_LIMIT_COUNT: String(RATE_LIMIT_COUNT), RATE_LIMIT_WINDOW_SECONDS: String(RATE_LIMIT_WINDOW_SECONDS) },
    openKnowledgeBase: async (config, logger) => {
      const opened = await openInstrumented(config, logger);
      embedder = opened.embedder;
      return opened.knowledgeBase;
    },
  });
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

const ms = (nanoseconds: number) => nanoseconds / 1e6;

describe(`given ${BURST} questions at once, slash commands and DMs mixed, each from another user`, () => {
  it('then every one is answered with its own paragraph, in time, while the heartbeat keeps flowing and the event loop stays free', async () => {
    const connectionsBefore = fake.connectionCount;
    const queryCallsBefore = embedder.calls.filter((call) => call.kind === 'query').length;
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const started = Date.now();
    delay.enable();

    const interactions: Array<{ expected: number; answer: Promise<InteractionState> }> = [];
    const dms: Array<{ expected: number; answer: Promise<MessageRecord> }> = [];
    for (let index = 0; index < BURST; index++) {
      const { question, paragraph } = KNOWN_ANSWERS[index % KNOWN_ANSWERS.length]!;
      if (index % 2 === 0) {
        interactions.push({
          expected: paragraph,
          answer: fake.sendInteraction({ name: 'ask', options: { question } }).settled(30_000),
        });
      } else {
        dms.push({
          expected: paragraph,
          answer: replyTo(fake, fake.sendMessage({ content: question, dm: true }), 30_000),
        });
      }
    }
    const answeredInteractions = await Promise.all(
      interactions.map(async ({ expected, answer }) => ({ expected, state: await answer })),
    );
    const answeredDms = await Promise.all(dms.map(async ({ expected, answer }) => ({ expected, reply: await answer })));
    const finished = Date.now();
    delay.disable();

    // All answered, each with the paragraph that answers it.
    expect(answeredInteractions).toHaveLength(BURST / 2);
    expect(answeredDms).toHaveLength(BURST / 2);
    for (const { expected, state } of answeredInteractions) expect(quotedParagraphs(state)[0]).toBe(expected);
    for (const { expected, reply } of answeredDms) expect(quotedParagraphs(reply)[0]).toBe(expected);
    // Every interaction was acknowledged within Discord's 3 s: no callback was refused as too late.
    const callbacks = fake
      .requestsTo('POST', /^\/interactions\/\d+\/[^/]+\/callback$/)
      .filter((request) => request.time >= started);
    expect(callbacks).toHaveLength(BURST / 2);
    expect(callbacks.map((request) => request.status)).toEqual(callbacks.map(() => 204));

    // The heartbeat kept flowing, on time, and was acknowledged: no zombie connection was replaced.
    const beats = fake.heartbeatTimes.filter((at) => at >= started - HEARTBEAT_MS && at <= finished);
    const gaps = beats.slice(1).map((at, index) => at - beats[index]!);
    const duration = finished - started;
    // Never a second without one, however busy the machine (other test files run beside this one); a loop
    // stalled by the burst would leave one gap as long as the stall.
    expect(beats.length).toBeGreaterThanOrEqual(Math.floor(duration / (3 * HEARTBEAT_MS)));
    expect(Math.max(...gaps)).toBeLessThan(1000);
    expect(fake.connectionCount).toBe(connectionsBefore);
    expect(running.bot.client.ws.ping).toBeGreaterThanOrEqual(0);

    // The model runs in its own process and questions are batched: the main thread stays responsive.
    const p99 = ms(delay.percentile(99));
    expect(p99).toBeLessThan(200);
    const queryCalls = embedder.calls.filter((call) => call.kind === 'query').length - queryCallsBefore;
    expect(queryCalls).toBeLessThan(BURST / 2);

    console.info(
      `burst: ${BURST} questions answered in ${duration} ms; event-loop delay p50 ${ms(delay.percentile(50)).toFixed(1)} ms, ` +
        `p99 ${p99.toFixed(1)} ms, max ${ms(delay.max).toFixed(1)} ms; ${beats.length} heartbeats, longest gap ${Math.max(...gaps)} ms; ` +
        `${queryCalls} forward passes for the questions`,
    );
  }, 60_000);
});

describe(`given a limit of ${RATE_LIMIT_COUNT} questions per ${RATE_LIMIT_WINDOW_SECONDS} s per user`, () => {
  const flooder = '200000000000000001';
  const bystander = '200000000000000002';

  it('then a flooding user is told to slow down, ephemerally and with when to try again, others are answered, and the flooder is answered again once the window passes', async () => {
    const [question, expected] = [KNOWN_ANSWERS[0]!.question, KNOWN_ANSWERS[0]!.paragraph];
    const flood = await Promise.all(
      Array.from(
        { length: RATE_LIMIT_COUNT + 2 },
        () => fake.sendInteraction({ name: 'ask', options: { question }, userId: flooder }).done,
      ),
    );
    const answered = flood.filter((state) => state.embeds.length > 0);
    const refused = flood.filter((state) => state.embeds.length === 0);
    expect(answered).toHaveLength(RATE_LIMIT_COUNT);
    for (const state of answered) expect(quotedParagraphs(state)[0]).toBe(expected);
    expect(refused).toHaveLength(2);
    for (const state of refused) {
      expect(state.ephemeral).toBe(true);
      expect(state.content).toMatch(SLOW_DOWN);
    }
    const refusedAt = Date.now();

    // Another user is not slowed down by the flood.
    const other = await fake.sendInteraction({
      name: 'ask',
      options: { question: KNOWN_ANSWERS[1]!.question },
      userId: bystander,
    }).done;
    expect(quotedParagraphs(other)[0]).toBe(KNOWN_ANSWERS[1]!.paragraph);

    // /help and /about do not count, and still answer the flooder.
    expect((await fake.sendInteraction({ name: 'help', userId: flooder }).done).embeds[0]!.title).toBe('How to ask');
    expect((await fake.sendInteraction({ name: 'about', userId: flooder }).done).embeds[0]!.title).toMatch(/DeepSeek/);

    // Once the oldest question leaves the window, the flooder is answered again.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, refusedAt + RATE_LIMIT_WINDOW_SECONDS * 1000 - Date.now())),
    );
    const later = await fake.sendInteraction({ name: 'ask', options: { question }, userId: flooder }).done;
    expect(quotedParagraphs(later)[0]).toBe(expected);
  }, 20_000);

  it('then DMs share the limit: a flood is told to slow down once, in its language, the rest ignored, while others are answered', async () => {
    const dmFlooder = '200000000000000003';
    const question = KNOWN_ANSWERS[0]!.question;
    const sent = Array.from({ length: RATE_LIMIT_COUNT + 3 }, () =>
      fake.sendMessage({ content: question, dm: true, authorId: dmFlooder }),
    );
    const channelId = sent[0]!.channelId;
    await fake.waitFor(
      () => fake.botMessages(channelId).length >= RATE_LIMIT_COUNT + 1,
      10_000,
      'the answers and the one refusal',
    );

    const bystanderReply = await replyTo(fake, fake.sendMessage({ content: KNOWN_ANSWERS[2]!.question, dm: true }));
    expect(quotedParagraphs(bystanderReply)[0]).toBe(KNOWN_ANSWERS[2]!.paragraph);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const replies = fake.botMessages(channelId);
    expect(replies).toHaveLength(RATE_LIMIT_COUNT + 1);
    const answers = replies.filter((reply) => reply.embeds.length > 0);
    expect(answers).toHaveLength(RATE_LIMIT_COUNT);
    for (const reply of answers) expect(quotedParagraphs(reply)[0]).toBe(KNOWN_ANSWERS[0]!.paragraph);
    const [slowDown] = replies.filter((reply) => reply.embeds.length === 0);
    expect(slowDown!.content).toMatch(
      new RegExp(
        `^请慢一点:每 ${RATE_LIMIT_WINDOW_SECONDS} 秒最多可以问 ${RATE_LIMIT_COUNT} 个问题。请 [1-3] 秒后再试。$`,
      ),
    );

    // Asking for help does not count, and is answered even now.
    const help = await replyTo(fake, fake.sendMessage({ content: '帮助', dm: true, authorId: dmFlooder }));
    expect(help.embeds[0]!.title).toBe('如何提问');
  });

  it('then admins are limited for questions too, but /reindex does not count', async () => {
    const asks = await Promise.all(
      Array.from(
        { length: RATE_LIMIT_COUNT + 1 },
        () => fake.sendInteraction({ name: 'ask', options: { question: '博通' }, userId: ADMIN_USER_ID }).done,
      ),
    );
    expect(asks.filter((state) => SLOW_DOWN.test(state.content ?? ''))).toHaveLength(1);

    const reindex = await fake
      .sendInteraction({ name: 'reindex', userId: ADMIN_USER_ID, memberPermissions: MANAGE_GUILD_PERMISSIONS })
      .waitFor((state) => /Index rebuilt/.test(state.content ?? ''), 15_000);
    expect(reindex.ephemeral).toBe(true);
  });

  it('then the limit was logged as the user’s problem, not an error, and no reply pinged anyone', () => {
    const refusals = running.log.lines().filter((line) => line.problem === 'rateLimited');
    expect(refusals.length).toBeGreaterThanOrEqual(4);
    for (const line of refusals) expect(line.level).toBe(30);
    expect(errorLines(running.log)).toEqual([]);
    expectNobodyPinged(fake);
  });
});
