import { describe, expect, it } from 'vitest';
import { ThrottledEdits } from '../../src/bot/throttled-edits.js';

const INTERVAL_MS = 100;
/** Timers may fire a millisecond or two early by Date.now()'s clock. */
const CLOCK_SLACK_MS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('given a burst of progress updates', () => {
  it('then the first goes out at once, later ones at most once per interval, only the newest of a burst, in order, none after close', async () => {
    const sent: Array<{ text: string; at: number }> = [];
    const edits = new ThrottledEdits(
      async (text) => {
        sent.push({ text, at: Date.now() });
        await sleep(5);
      },
      INTERVAL_MS,
      (error) => {
        throw error;
      },
    );

    edits.update('1');
    await sleep(10);
    for (let step = 2; step <= 50; step++) edits.update(String(step));
    await sleep(INTERVAL_MS * 2);
    edits.update('51');
    await sleep(INTERVAL_MS * 2);
    edits.update('superseded by the final edit');
    await edits.close();
    const closedAt = Date.now();
    edits.update('after close');
    await sleep(INTERVAL_MS);

    // Normally ['1', '50', '51']; on a loaded machine a later update may overtake one not yet sent: only the newest goes out.
    const texts = sent.map((edit) => edit.text);
    expect(texts.at(-1)).toBe('51');
    expect(texts.length).toBeLessThanOrEqual(3);
    expect(texts).toEqual([...texts].sort((left, right) => Number(left) - Number(right)));
    for (let index = 1; index < sent.length; index++) {
      expect(sent[index]!.at - sent[index - 1]!.at).toBeGreaterThanOrEqual(INTERVAL_MS - CLOCK_SLACK_MS);
    }
    expect(closedAt - sent.at(-1)!.at).toBeGreaterThanOrEqual(INTERVAL_MS - CLOCK_SLACK_MS);
  });

  it('then a failed edit is reported and later ones still go out', async () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    const edits = new ThrottledEdits(
      async (text) => {
        if (text === 'fails') throw new Error('Unknown Webhook');
        sent.push(text);
      },
      10,
      (error) => errors.push(error),
    );
    edits.update('fails');
    await sleep(20);
    edits.update('works');
    await sleep(30);
    await edits.close();
    expect(errors).toHaveLength(1);
    expect(sent).toEqual(['works']);
  });
});
