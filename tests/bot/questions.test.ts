import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { answerQuestion, newAnswerId } from '../../src/bot/questions.js';
import type { Embedder, EmbeddingKind } from '../../src/core/embedding/embedder.js';
import { KnowledgeBase } from '../../src/core/knowledge-base.js';
import { articleTopics } from '../../src/core/suggestions.js';
import type { QuestionLog } from '../../src/store/question-log.js';
import { copyOfCorpus, removeTempDirs, tempDir } from '../support/fixtures.js';
import { SyntheticEmbedder } from '../support/synthetic-embedder.js';

afterAll(removeTempDirs);

describe('given answer ids', () => {
  it('then each is 10 base36 characters, short enough for a custom_id, and 20,000 of them are all different', () => {
    const ids = Array.from({ length: 20_000 }, () => newAnswerId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{10}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

/** A model that holds one question's vector until told to go on. */
class HoldingEmbedder implements Embedder {
  private readonly inner = new SyntheticEmbedder('holding', 0);
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  private reached!: () => void;
  readonly reachedHeldQuestion = new Promise<void>((resolve) => (this.reached = resolve));

  constructor(private readonly held: string) {}

  get info() {
    return this.inner.info;
  }

  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    if (kind === 'query' && texts.includes(this.held)) {
      this.reached();
      await this.released;
    }
    return this.inner.embed(texts, kind);
  }

  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.inner.countTokens(texts);
  }

  goOn(): void {
    this.release();
  }

  async close(): Promise<void> {}
}

describe('given a rebuild that swaps in another index while a question is being answered', () => {
  it('then the reply is formatted from the index the question was answered from', async () => {
    const question = '饺子要煮多长时间才熟?';
    const embedder = new HoldingEmbedder(question);
    const corpusPath = await copyOfCorpus();
    const knowledgeBase = await KnowledgeBase.open({ corpusPath, indexDir: await tempDir('index-'), embedder });
    const asked = knowledgeBase.manifest;

    const answering = answerQuestion(knowledgeBase, question, {
      language: 'en',
      echoQuestion: true,
      source: 'slash',
      asker: { userId: '200000000000000002', guildId: null },
      installation: 'bot-dm',
      ephemeral: false,
      receivedAt: Date.now(),
      // Never written to: the test does not deliver the reply.
      questionLog: undefined as unknown as QuestionLog,
    });
    await embedder.reachedHeldQuestion;
    // Meanwhile the corpus becomes another document altogether, and the rebuild is served.
    await rm(path.join(corpusPath, 'wang-weijia-deepseek-wall-street.txt'));
    await writeFile(
      path.join(corpusPath, 'cooking.md'),
      '# Cooking\n\n## Dumplings\n\nBoil dumplings for eight minutes.\n\n## Noodles\n\nNoodles cook in three minutes.\n',
    );
    await knowledgeBase.reindex();
    expect(knowledgeBase.manifest).not.toBe(asked);
    embedder.goOn();

    const { answer, payload } = await answering;
    expect(answer.manifest).toBe(asked);
    expect(answer.answered).toBe(false);
    const components = JSON.stringify(payload.components);
    for (const topic of articleTopics(asked, 3)) expect(components).toContain(JSON.stringify(topic).slice(1, -1));
    for (const topic of articleTopics(knowledgeBase.manifest, 3)) expect(components).not.toContain(topic);
  });
});
