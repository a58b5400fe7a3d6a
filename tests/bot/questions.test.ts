import { describe, expect, it } from 'vitest';
import { newAnswerId } from '../../src/bot/questions.js';

describe('given answer ids', () => {
  it('then each is 10 base36 characters, short enough for a custom_id, and 20,000 of them are all different', () => {
    const ids = Array.from({ length: 20_000 }, () => newAnswerId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{10}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
