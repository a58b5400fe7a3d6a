import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/bot/rate-limit.js';

function limiterAt(start = 1_000_000, settings = { limit: 3, windowMs: 10_000 }) {
  const clock = { now: start };
  const limiter = new SlidingWindowLimiter({ ...settings, now: () => clock.now });
  return { limiter, clock };
}

describe('given a limit of 3 questions per 10 s', () => {
  it('then a user is admitted 3 times, refused the 4th with the wait until the oldest leaves the window', () => {
    const { limiter, clock } = limiterAt();
    expect(limiter.take('a')).toEqual({ allowed: true });
    clock.now += 2000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    clock.now += 2000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    clock.now += 1000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 5000, repeated: false });
  });

  it('then the window slides: one question is admitted again as soon as the oldest is 10 s old, not all three', () => {
    const { limiter, clock } = limiterAt();
    limiter.take('a');
    clock.now += 4000;
    limiter.take('a');
    limiter.take('a');
    clock.now += 5999;
    expect(limiter.take('a')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.now += 1;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterMs: 4000, repeated: false });
  });

  it('then refused attempts do not count, and a flood is marked as repeated after the first refusal', () => {
    const { limiter, clock } = limiterAt();
    for (let index = 0; index < 3; index++) limiter.take('a');
    expect(limiter.take('a')).toMatchObject({ allowed: false, repeated: false });
    for (let index = 0; index < 50; index++)
      expect(limiter.take('a')).toMatchObject({ allowed: false, repeated: true });
    clock.now += 10_000; // the three admitted leave the window; the 51 refusals never entered it
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toMatchObject({ allowed: false, repeated: false }); // a new flood is told again
  });

  it('then users are limited independently: one flooding does not slow another', () => {
    const { limiter } = limiterAt();
    for (let index = 0; index < 10; index++) limiter.take('flooder');
    expect(limiter.take('flooder').allowed).toBe(false);
    expect(limiter.take('other')).toEqual({ allowed: true });
  });

  it('then users who stopped asking are forgotten once their window has passed', () => {
    const { limiter, clock } = limiterAt();
    for (let index = 0; index < 1000; index++) limiter.take(`user-${index}`);
    expect(limiter.trackedUsers).toBe(1000);
    clock.now += 10_000;
    limiter.take('newcomer');
    expect(limiter.trackedUsers).toBe(1);
  });
});

describe('given nonsensical settings', () => {
  it('then the limiter refuses to be built', () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });
});
