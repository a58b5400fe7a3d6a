import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textKey } from '../../../src/core/embedding/embedding-cache.js';
import { vectorSpaceOf } from '../../../src/core/embedding/vector-cache.js';
import type { PostgresCorpusStore } from '../../../src/store/postgres/corpus-store.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { startCorpusStore } from '../../support/shared-corpus.js';
import { SyntheticEmbedder } from '../../support/synthetic-embedder.js';

let server: TestPostgres;
const opened: PostgresCorpusStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await server?.stop();
});

async function storesOn(url: string, count: number): Promise<PostgresCorpusStore[]> {
  const stores = await Promise.all(Array.from({ length: count }, () => startCorpusStore(url)));
  opened.push(...stores);
  return stores;
}

const model = new SyntheticEmbedder('synthetic-model', 0, 8);
const otherModel = new SyntheticEmbedder('another-model', 0, 8);
const TEXTS = ['苹果公司没有参与这场竞争。', '台积电的产能依旧紧张。', '英伟达的股价下跌。'];

async function vectorsOf(texts: readonly string[]) {
  const vectors = await model.embed(texts, 'passage');
  return texts.map((text, index) => ({ key: textKey(text), vector: vectors[index]! }));
}

describe('given vectors one process embedded into the shared cache', () => {
  it('then another process finds them, bit for bit, in the same vector space and in no other', async () => {
    const url = await server.createDatabase();
    const [first, second] = await storesOn(url, 2);
    const entries = await vectorsOf(TEXTS);

    await (await first!.embeddingCache(vectorSpaceOf(model.info))).add(entries);

    const found = await (
      await second!.embeddingCache(vectorSpaceOf(model.info))
    ).lookup([...entries.map((entry) => entry.key), textKey('never embedded')]);
    expect([...found.keys()].sort()).toEqual(entries.map((entry) => entry.key).sort());
    for (const { key, vector } of entries) expect(found.get(key)).toEqual(vector);
    const elsewhere = await (
      await second!.embeddingCache(vectorSpaceOf(otherModel.info))
    ).lookup(entries.map((entry) => entry.key));
    expect(elsewhere.size).toBe(0);
    expect(await server.rows(url, 'SELECT COUNT(*) AS n FROM embedding_spaces')).toEqual([{ n: 2 }]);
  });

  it('then the same vector added again by both is kept once, as first stored', async () => {
    const url = await server.createDatabase();
    const [first, second] = await storesOn(url, 2);
    const entries = await vectorsOf(TEXTS.slice(0, 1));

    await Promise.all(
      [first!, second!].map(async (store) => (await store.embeddingCache(vectorSpaceOf(model.info))).add(entries)),
    );

    expect(await server.rows(url, 'SELECT COUNT(*) AS n FROM embedding_cache')).toEqual([{ n: 1 }]);
  });
});

describe('given a build that serves only some of the cached passages', () => {
  it("then the others of its space are forgotten, and another model's vectors are kept", async () => {
    const url = await server.createDatabase();
    const [store] = await storesOn(url, 1);
    const cache = await store!.embeddingCache(vectorSpaceOf(model.info));
    const other = await store!.embeddingCache(vectorSpaceOf(otherModel.info));
    const entries = await vectorsOf(TEXTS);
    await cache.add(entries);
    await other.add(entries);

    await cache.retainOnly([entries[0]!.key, entries[0]!.key]);

    expect([...(await cache.lookup(entries.map((entry) => entry.key))).keys()]).toEqual([entries[0]!.key]);
    expect((await other.lookup(entries.map((entry) => entry.key))).size).toBe(3);
  });
});
