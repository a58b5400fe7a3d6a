import { describe, expect, it } from 'vitest';
import { enforceLimits } from '../../src/bot/discord-limits.js';
import { expectWithinDiscordLimits } from '../support/bot-harness.js';

describe('given a payload over the limits', () => {
  it('then enforceLimits cuts each part and drops embeds past the total', () => {
    const big = 'x'.repeat(10_000);
    const fitted = enforceLimits({
      content: big,
      embeds: Array.from({ length: 12 }, () => ({
        title: big,
        description: big,
        footer: { text: big },
        fields: [{ name: big, value: big }],
      })),
    });
    expectWithinDiscordLimits(fitted);
    expect(fitted.embeds.length).toBeGreaterThanOrEqual(1);
  });
});
