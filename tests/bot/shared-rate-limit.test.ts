import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/bot/rate-limit.js';
import { SharedLimiter } from '../../src/bot/shared-rate-limit.js';
import type { QuestionStore } from '../../src/store/question-store.js';
import { capturingLogger } from '../support/fixtures.js';
import { postgresBackend } from '../support/store-backends.js';

const SETTINGS = { limit: 3, windowMs: 10_000 };

const backend = postgresBackend();
const stores: QuestionStore[] = [];
let url: string;

beforeAll(async () => {
  url = await (await backend.server()).createDatabase();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await backend.stop();
});

/** A process's limiter: its own counters, and the database's shared by every process. */
async function processLimiter(clock: { now: number }) {
  const { store } = await backend.open({ place: url });
  stores.push(store);
  const log = capturingLogger('info');
  const local = new SlidingWindowLimiter({ ...SETTINGS, now: () => clock.now });
  return {
    limiter: new SharedLimiter(
      () => store.sharedRateLimits,
      local,
      log.logger,
      () => clock.now,
    ),
    log,
  };
}

describe('given two processes sharing PostgreSQL, a limit of 3 questions per 10 s', () => {
  it('then a user has one budget across both: the window slides, refused attempts do not count, a flood is told once', async () => {
    const clock = { now: 1_000_000 };
    const first = await processLimiter(clock);
    const second = await processLimiter(clock);
    const user = '314159265358979323';

    expect(await first.limiter.take(user)).toEqual({ allowed: true });
    clock.now += 2000;
    expect(await second.limiter.take(user)).toEqual({ allowed: true });
    clock.now += 2000;
    expect(await first.limiter.take(user)).toEqual({ allowed: true });
    clock.now += 1000;
    expect(await second.limiter.take(user)).toEqual({ allowed: false, retryAfterMs: 5000, repeated: false });
    expect(await first.limiter.take(user)).toEqual({ allowed: false, retryAfterMs: 5000, repeated: true });
    // Another user has a budget of their own.
    expect(await second.limiter.take('271828182845904523')).toEqual({ allowed: true });

    clock.now += 5000; // the first question leaves the window: one more, not three
    expect(await second.limiter.take(user)).toEqual({ allowed: true });
    expect(await first.limiter.take(user)).toMatchObject({ allowed: false, repeated: false });
  });
});

describe('given the database unreachable, then back', () => {
  it('then each process’s own counters decide meanwhile (logged once), and the shared ones again once it is back', async () => {
    const clock = { now: 5_000_000 };
    const first = await processLimiter(clock);
    const second = await processLimiter(clock);
    const user = '161803398874989484';
    const server = await backend.server();

    expect(await first.limiter.take(user)).toEqual({ allowed: true });
    await server.stopServer();
    try {
      // The first process saw one question: two more, then refused; the second saw none: three.
      expect(await first.limiter.take(user)).toEqual({ allowed: true });
      expect(await first.limiter.take(user)).toEqual({ allowed: true });
      expect(await first.limiter.take(user)).toMatchObject({ allowed: false });
      for (let index = 0; index < 3; index++) expect(await second.limiter.take(user)).toEqual({ allowed: true });
      expect(await second.limiter.take(user)).toMatchObject({ allowed: false });
    } finally {
      await server.startServer();
    }
    const fallbacks = first.log.lines().filter((line) => line.level === 40);
    expect(fallbacks.map((line) => line.msg)).toEqual([
      "the shared rate limits cannot be reached: this process's own counters decide until they are back",
    ]);

    clock.now += 20_000;
    expect(await first.limiter.take(user)).toEqual({ allowed: true });
    expect(first.log.lines().map((line) => line.msg)).toContain(
      'the shared rate limits are back: every process counts against one budget again',
    );
  });
});
