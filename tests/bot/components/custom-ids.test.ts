import { describe, expect, it } from 'vitest';
import {
  ANSWER_PREFIX,
  decodeCustomId,
  encodeCustomId,
  joinRefs,
  splitRefs,
} from '../../../src/bot/components/custom-ids.js';

describe('given the state of a button', () => {
  it('then it round-trips through a custom_id with a versioned prefix', () => {
    const customId = encodeCustomId(ANSWER_PREFIX, {
      action: 'more',
      owner: '200000000000000001',
      data: joinRefs(['a1b2c3', 'd4e5f6']),
    });
    expect(customId).toBe('ans1:m:200000000000000001:a1b2c3.d4e5f6');
    const state = decodeCustomId(ANSWER_PREFIX, customId)!;
    expect(state).toEqual({ action: 'more', owner: '200000000000000001', data: 'a1b2c3.d4e5f6' });
    expect(splitRefs(state.data)).toEqual(['a1b2c3', 'd4e5f6']);
  });

  it('then a custom_id of another version or layout is not mistaken for one of this version', () => {
    expect(decodeCustomId(ANSWER_PREFIX, 'ans0:m:1:abc')).toBeUndefined();
    expect(decodeCustomId(ANSWER_PREFIX, 'ans1:z:1:abc')).toBeUndefined();
    expect(decodeCustomId(ANSWER_PREFIX, 'ans1')).toBeUndefined();
  });

  it('then a state too long for Discord’s 100 characters is refused rather than sent', () => {
    expect(() => encodeCustomId(ANSWER_PREFIX, { action: 'example', owner: '1', data: '杰'.repeat(100) })).toThrow(
      RangeError,
    );
  });
});
