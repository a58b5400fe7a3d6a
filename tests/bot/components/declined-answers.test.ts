import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type InteractionState } from '../../support/fake-discord.js';
import { makeTinyModel, removeTempDirs } from '../../support/fixtures.js';
import { expectWithinDiscordLimits, HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';

const ASKER = '200000000000000001';

let fake: FakeDiscord;
let running: RunningBot;
let declined: InteractionState;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  // The calibrated bar, not MIN_SCORE=0: questions the article does not answer are declined.
  running = await startBot(fake, { modelDir: await makeTinyModel(), env: { MIN_SCORE: '' } });
  declined = await fake.sendInteraction({ name: 'ask', options: { question: '红烧肉怎么做才好吃？' }, userId: ASKER })
    .done;
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

const labels = (state: InteractionState) =>
  fake.componentsOf(state.original!).map((component) => String(component.label));

describe('given a question the article does not answer', () => {
  it('then the decline offers the closest passage anyway and example questions the article does answer, and no votes', () => {
    expect(declined.embeds[0]!.title).toBe('Not covered by the article');
    expect(labels(declined)[0]).toBe('Show the closest passage anyway');
    const examples = labels(declined).filter((label) => label.startsWith('What does the article say about'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);
    expect(labels(declined)).not.toContain('👍');
    expectWithinDiscordLimits(declined);
  });

  it('then the closest passage is shown with a plain warning that it may not answer the question', async () => {
    const closestId = fake.componentsOf(declined.original!)[0]!.custom_id as string;
    const closest = await fake.clickButton(declined.original!, closestId, { userId: ASKER }).done;
    expect(closest.content).toBe('**The closest passage — it may not answer your question**');
    expect(closest.embeds).toHaveLength(1);
  });

  it('then an example question is answered, privately to whoever clicked it, with a Share button', async () => {
    const example = fake
      .componentsOf(declined.original!)
      .find((component) => String(component.label).startsWith('What does the article say about'))!;
    const answer = await fake.clickButton(declined.original!, example.custom_id as string, {
      userId: '200000000000000009',
    }).done;
    expect(answer.ephemeral).toBe(true);
    expect(answer.embeds[0]!.title).not.toBe('Not covered by the article');
    expect(fake.componentsOf(answer.original!).map((component) => component.label)).toContain('Share');
  });
});
