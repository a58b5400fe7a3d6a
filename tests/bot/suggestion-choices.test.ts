import { describe, expect, it } from 'vitest';
import { cutCleanly } from '../../src/bot/suggestion-choices.js';

describe('given text for a choice', () => {
  it('then text that fits is kept as it is, its spaces tidied', () => {
    expect(cutCleanly('  杰文斯   悖论 ', 100)).toBe('杰文斯 悖论');
  });

  it('then longer text is cut within the limit, after punctuation near the cut, with an ellipsis', () => {
    const cut = cutCleanly(`${'英伟达市值单日蒸发近6000亿美元，'.repeat(10)}`, 40);
    expect([...cut].length).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/，…$/);
  });

  it('then an emoji or a rare character is never split in half, and a value may be cut without an ellipsis', () => {
    const cut = cutCleanly('😀'.repeat(150), 100, false);
    expect([...cut]).toHaveLength(100);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
