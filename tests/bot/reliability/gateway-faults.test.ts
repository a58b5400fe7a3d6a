import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLines, startBot, type RunningBot } from '../../support/bot-harness.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { KNOWN_ANSWERS, quotedParagraphs, replyTo } from '../../support/reliability.js';

/** Short, so that a connection that stops acknowledging heartbeats is noticed within a test. */
const HEARTBEAT_MS = 150;

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

/** A slash command and a DM, each from another user, answered with their own paragraphs. */
async function expectAnswering(offset: number): Promise<void> {
  const first = KNOWN_ANSWERS[offset % KNOWN_ANSWERS.length]!;
  const second = KNOWN_ANSWERS[(offset + 1) % KNOWN_ANSWERS.length]!;
  const [state, reply] = await Promise.all([
    fake.sendInteraction({ name: 'ask', options: { question: first.question } }).done,
    replyTo(fake, fake.sendMessage({ content: second.question, dm: true })),
  ]);
  expect(quotedParagraphs(state)[0]).toBe(first.paragraph);
  expect(quotedParagraphs(reply)[0]).toBe(second.paragraph);
}

type Recovery = 'resume' | 're-identify';

const FAULTS: Array<[string, Recovery, () => void]> = [
  ['Discord asks for a reconnect (op 7)', 'resume', () => fake.requestReconnect()],
  ['the connection drops abruptly (no close frame)', 'resume', () => fake.dropConnections()],
  [
    'Discord closes the connection with 4000 (unknown error)',
    'resume',
    () => fake.closeConnections(4000, 'Unknown error'),
  ],
  ['the session is invalidated as resumable (op 9, true)', 'resume', () => fake.invalidateSession(true)],
  ['the session is invalidated for good (op 9, false)', 're-identify', () => fake.invalidateSession(false)],
];

describe('given a gateway fault', () => {
  it.each(FAULTS)(
    'then, when %s, the bot reconnects (%s) and keeps answering, the questions sent meanwhile included',
    async (_fault, recovery, inject) => {
      await expectAnswering(0);
      const before = { resumes: fake.resumeCount, identifies: fake.identifyCount };

      inject();
      // Sent at once: delivered after the bot is back (queued by Discord, or replayed on resume).
      const meanwhile = KNOWN_ANSWERS[3]!;
      const duringOutage = fake.sendMessage({ content: meanwhile.question, dm: true });

      const counter = recovery === 'resume' ? 'resumes' : 'identifies';
      await fake.waitFor(
        () => (recovery === 'resume' ? fake.resumeCount : fake.identifyCount) > before[counter],
        10_000,
        `a ${recovery}`,
      );
      await fake.waitForGatewayReady(10_000);
      if (recovery === 'resume') expect(fake.identifyCount).toBe(before.identifies); // the session survived
      expect(quotedParagraphs(await replyTo(fake, duringOutage))[0]).toBe(meanwhile.paragraph);
      await expectAnswering(4);
    },
  );

  it('then, when the connection stops acknowledging heartbeats (a zombie), the bot replaces it and keeps answering', async () => {
    const connections = fake.connectionCount;
    fake.ackHeartbeats = false;
    try {
      await fake.waitFor(
        () => fake.connectionCount > connections,
        10_000,
        'a new connection after missed heartbeat ACKs',
      );
    } finally {
      fake.ackHeartbeats = true;
    }
    await fake.waitForGatewayReady(10_000);
    await expectAnswering(2);
  });

  it('then every recovery was logged, and none as an error', () => {
    const count = (message: string) => running.log.lines().filter((line) => line.msg === message).length;
    expect(count('reconnecting to the gateway')).toBeGreaterThanOrEqual(FAULTS.length); // op 9 (true) resumes on the same connection
    expect(count('gateway session resumed')).toBe(fake.resumeCount);
    expect(count('gateway session started')).toBe(fake.identifyCount); // the first session, and the one after op 9 (false)
    expect(errorLines(running.log)).toEqual([]);
    expect(running.bot.client.isReady()).toBe(true);
  });
});
