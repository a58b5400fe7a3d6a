import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type InteractionState } from '../../support/fake-discord.js';
import { copyOfCorpus, makeTinyModel, removeTempDirs, tempDir } from '../../support/fixtures.js';
import { ADMIN_USER_ID, HEARTBEAT_MS, startBot, type RunningBot } from '../../support/bot-harness.js';

const ASKER = '200000000000000001';
const ARTICLE = 'wang-weijia-deepseek-wall-street.txt';

let fake: FakeDiscord;
let modelDir: string;
let corpusPath: string;
let indexDir: string;
let running: RunningBot | undefined;

beforeAll(async () => {
  fake = await FakeDiscord.start({ heartbeatIntervalMs: HEARTBEAT_MS, callbackDeadlineMs: 3000 });
  modelDir = await makeTinyModel();
  corpusPath = await copyOfCorpus();
  indexDir = await tempDir('index-');
});

afterAll(async () => {
  await running?.bot.stop();
  await fake?.close();
  await removeTempDirs();
});

const customIdOf = (state: InteractionState, start: string) =>
  fake.componentsOf(state.original!).find((component) => String(component.custom_id).startsWith(start))!
    .custom_id as string;

describe('given an answer whose buttons outlive the bot that made them', () => {
  let answer: InteractionState;

  it('then after a restart its More and Context buttons still work: their state is in the custom_id', async () => {
    running = await startBot(fake, { modelDir, corpusPath, indexDir });
    answer = await fake.sendInteraction({ name: 'ask', options: { question: '杰文斯悖论是什么' }, userId: ASKER }).done;
    await running.bot.stop();

    running = await startBot(fake, { modelDir, corpusPath, indexDir });
    const more = await fake.clickButton(answer.original!, customIdOf(answer, 'ans1:m:'), { userId: ASKER }).done;
    const context = await fake.clickButton(answer.original!, customIdOf(answer, 'ans1:c:'), { userId: ASKER }).done;
    expect(more.content).toContain('More from the same ranking');
    expect(context.content).toContain('In context');
  });

  it('then after a reindex that changed the quoted paragraph, its Context button says so plainly', async () => {
    const contextId = customIdOf(answer, 'ans1:c:');
    const file = path.join(corpusPath, ARTICLE);
    // The paragraph that introduces Jevons, rewritten: the passage the button names is gone.
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replaceAll('杰文斯', '杰文思'));
    const reindex = await fake
      .sendInteraction({ name: 'reindex', userId: ADMIN_USER_ID })
      .waitFor((state) => /Index rebuilt|rebuild failed/.test(state.content ?? ''), 30_000);
    expect(reindex.content).toMatch(/Index rebuilt/);

    const context = await fake.clickButton(answer.original!, contextId, { userId: ASKER }).done;
    expect(context.ephemeral).toBe(true);
    expect(context.content).toBe(
      'That paragraph is no longer in the article as it was when this was answered: the index has been rebuilt since. Please ask again.',
    );
  });
});
