import { createHash } from 'node:crypto';
import { access, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Embedder, EmbeddingKind } from '../../../src/core/embedding/embedder.js';
import { EMBEDDING_CACHE_DIR, EmbeddingCache, textKey } from '../../../src/core/embedding/embedding-cache.js';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../../../src/core/knowledge-base.js';
import { capturingLogger, copyOfCorpus, removeTempDirs, tempDir } from '../../support/fixtures.js';
import { SyntheticEmbedder } from '../../support/synthetic-embedder.js';

const ARTICLE = 'wang-weijia-deepseek-wall-street.txt';
const DIMENSIONS = 48;
/** A cache record: key, vector and checksum. */
const RECORD_BYTES = 32 + DIMENSIONS * 4 + 8;
const NOTE = '# 补充说明\n\n苹果公司没有参与这场竞争。\n\n台积电的产能依旧紧张。\n';

afterAll(removeTempDirs);

/** A stand-in model that remembers every passage text it was asked to embed. */
class CountingEmbedder implements Embedder {
  readonly passages: string[] = [];
  private readonly inner: SyntheticEmbedder;

  constructor(id = 'synthetic-model', passagePrefix = '') {
    this.inner = new SyntheticEmbedder(id, 0, DIMENSIONS);
    this.inner.info.passagePrefix = passagePrefix;
  }

  get info() {
    return this.inner.info;
  }

  embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    if (kind === 'passage') this.passages.push(...texts);
    return this.inner.embed(texts, kind);
  }

  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.inner.countTokens(texts);
  }

  async close(): Promise<void> {}
}

async function fixture(
  embedder = new CountingEmbedder(),
): Promise<KnowledgeBaseOptions & { embedder: CountingEmbedder }> {
  return { corpusPath: await copyOfCorpus(), indexDir: await tempDir('index-'), embedder };
}

async function cacheFiles(indexDir: string): Promise<string[]> {
  const directory = path.join(indexDir, EMBEDDING_CACHE_DIR);
  return (await readdir(directory))
    .filter((name) => name.endsWith('.vectors'))
    .map((name) => path.join(directory, name));
}

describe('given an index built once', () => {
  it('then a rebuild of the same corpus embeds nothing, reuses every window, and ranks as before', async () => {
    const options = await fixture();
    const knowledgeBase = await KnowledgeBase.open(options);
    const windows = knowledgeBase.manifest.windows.length;
    expect(knowledgeBase.startReport).toMatchObject({ action: 'built', embedded: windows, reused: 0 });
    const before = await knowledgeBase.rank('博通', { mode: 'dense' });
    options.embedder.passages.length = 0;

    const report = await knowledgeBase.reindex();

    expect(report).toMatchObject({ embedded: 0, reused: windows });
    expect(options.embedder.passages).toEqual([]);
    expect(await knowledgeBase.rank('博通', { mode: 'dense' })).toEqual(before);
  });

  it('then adding one short document embeds only its paragraphs, and the rebuild’s log line says so', async () => {
    const options = await fixture();
    const captured = capturingLogger('info');
    const knowledgeBase = await KnowledgeBase.open({ ...options, logger: captured.logger });
    const windows = knowledgeBase.manifest.windows.length;
    options.embedder.passages.length = 0;
    await writeFile(path.join(options.corpusPath, 'note.md'), NOTE);

    const report = await knowledgeBase.reindex();

    expect(options.embedder.passages).toEqual(['苹果公司没有参与这场竞争。', '台积电的产能依旧紧张。']);
    expect(report).toMatchObject({ added: 2, embedded: 2, reused: windows, passages: 27 });
    expect(captured.lines().find((line) => line.msg === 'reindexed')).toMatchObject({ embedded: 2, reused: windows });
  });

  it('then a changed paragraph is the only one embedded again', async () => {
    const options = await fixture();
    const knowledgeBase = await KnowledgeBase.open(options);
    options.embedder.passages.length = 0;
    const file = path.join(options.corpusPath, ARTICLE);
    const text = await readFile(file, 'utf8');
    const paragraph = knowledgeBase.manifest.passages.find((passage) => passage.paragraph === 24)!.text;
    await writeFile(file, text.replace(paragraph, `${paragraph}(更新)`));

    const report = await knowledgeBase.reindex();

    expect(report).toMatchObject({ changed: 1, embedded: 1 });
    expect(options.embedder.passages).toEqual([`${paragraph}(更新)`]);
  });

  it('then another model or another passage prefix embeds everything, and going back to the first reuses its cache', async () => {
    const first = await fixture();
    const windows = (await KnowledgeBase.open(first)).manifest.windows.length;

    const otherModel = await KnowledgeBase.open({ ...first, embedder: new CountingEmbedder('another-model') });
    expect(otherModel.startReport).toMatchObject({ embedded: windows, reused: 0 });
    const otherPrefix = await KnowledgeBase.open({
      ...first,
      embedder: new CountingEmbedder('synthetic-model', 'passage: '),
    });
    expect(otherPrefix.startReport).toMatchObject({ embedded: windows, reused: 0 });
    const back = await KnowledgeBase.open({ ...first, embedder: new CountingEmbedder() });
    expect(back.startReport).toMatchObject({ action: 'built', embedded: 0, reused: windows });
    expect(await cacheFiles(first.indexDir)).toHaveLength(3);
  });
});

describe('given a damaged cache', () => {
  it('then a torn last record (a crash mid-append) costs only that vector: it is embedded again, the rest reused, nothing logged', async () => {
    const options = await fixture();
    const knowledgeBase = await KnowledgeBase.open(options);
    const windows = knowledgeBase.manifest.windows.length;
    const [file] = await cacheFiles(options.indexDir);
    await truncate(file!, (await stat(file!)).size - 10);
    options.embedder.passages.length = 0;
    const captured = capturingLogger('info');

    const reopened = await KnowledgeBase.open({ ...options, logger: captured.logger });
    const report = await reopened.reindex();

    expect(report).toMatchObject({ embedded: 1, reused: windows - 1 });
    expect(captured.lines().filter((line) => (line.level as number) >= 40)).toEqual([]);
    expect((await reopened.reindex()).embedded).toBe(0); // whole again
  });

  it('then a record whose bytes changed ends what is trusted: from there on every vector is embedded again, correctly', async () => {
    const options = await fixture();
    const knowledgeBase = await KnowledgeBase.open(options);
    const windows = knowledgeBase.manifest.windows.length;
    const expected = await knowledgeBase.rank('英伟达', { mode: 'dense' });
    const [file] = await cacheFiles(options.indexDir);
    const bytes = await readFile(file!);
    const headerBytes = bytes.length - windows * RECORD_BYTES;
    const damaged = headerBytes + 10 * RECORD_BYTES + 40; // inside the 11th record’s vector
    bytes[damaged] = bytes[damaged]! ^ 0xff;
    await writeFile(file!, bytes);

    const report = await knowledgeBase.reindex();

    expect(report).toMatchObject({ embedded: windows - 10, reused: 10 });
    expect(await knowledgeBase.rank('英伟达', { mode: 'dense' })).toEqual(expected);
  });
});

describe('given documents removed', () => {
  it('then the cache keeps only the vectors the new index serves', async () => {
    const options = await fixture();
    await writeFile(path.join(options.corpusPath, 'note.md'), NOTE);
    const knowledgeBase = await KnowledgeBase.open(options);
    const [file] = await cacheFiles(options.indexDir);
    const withNote = (await stat(file!)).size;
    await rm(path.join(options.corpusPath, 'note.md'));

    const report = await knowledgeBase.reindex();

    expect(report).toMatchObject({ removed: 2, embedded: 0 });
    expect((await stat(file!)).size).toBe(withNote - 2 * RECORD_BYTES);
  });
});

describe('given a rebuild that fails after embedding', () => {
  it('then the old index keeps serving, and the retry embeds nothing the failed one had embedded', async () => {
    const options = await fixture();
    const knowledgeBase = await KnowledgeBase.open(options);
    const served = knowledgeBase.manifest.builtAt;
    await writeFile(path.join(options.corpusPath, 'note.md'), NOTE);
    const crash = new Error('simulated crash');
    const failing = await KnowledgeBase.open({
      ...options,
      writeHooks: { beforeCommit: () => Promise.reject(crash) },
    }).catch((error: unknown) => error);
    expect(failing).toBe(crash);
    expect(knowledgeBase.manifest.builtAt).toBe(served);
    options.embedder.passages.length = 0;

    const report = await knowledgeBase.reindex();

    expect(report).toMatchObject({ added: 2, embedded: 0 });
    expect(options.embedder.passages).toEqual([]);
  });
});

describe('given the cache turned off', () => {
  it('then every window is embedded on every build and no cache is written', async () => {
    const options = { ...(await fixture()), embeddingCache: false };
    const knowledgeBase = await KnowledgeBase.open(options);
    const windows = knowledgeBase.manifest.windows.length;
    expect(await knowledgeBase.reindex()).toMatchObject({ embedded: windows, reused: 0 });
    await expect(access(path.join(options.indexDir, EMBEDDING_CACHE_DIR))).rejects.toThrow(/ENOENT/);
  });
});

describe('given vectors that are not finite or all zeros', () => {
  const model = new SyntheticEmbedder('cache-check', 0, DIMENSIONS).info;
  const good = new Float32Array(DIMENSIONS).fill(0.1);
  const notFinite = new Float32Array(DIMENSIONS).fill(0.1);
  notFinite[3] = Number.NaN;
  const zeros = new Float32Array(DIMENSIONS);

  it('then the cache refuses to store them', async () => {
    const indexDir = await tempDir('index-');
    const cache = await EmbeddingCache.open(indexDir, model);
    await cache.add([
      { key: textKey('good'), vector: good },
      { key: textKey('nan'), vector: notFinite },
      { key: textKey('zeros'), vector: zeros },
    ]);
    expect(cache.get(textKey('nan'))).toBeUndefined();
    const reopened = await EmbeddingCache.open(indexDir, model);
    expect(reopened.size).toBe(1);
    expect(reopened.get(textKey('good'))).toEqual(good);
    expect(reopened.get(textKey('zeros'))).toBeUndefined();
  });

  it('then one stored by an older version, with a valid checksum, is not reused and is dropped at the next rewrite', async () => {
    const indexDir = await tempDir('index-');
    const cache = await EmbeddingCache.open(indexDir, model);
    await cache.add([{ key: textKey('poisoned'), vector: good }]);
    // Overwrite its vector with NaN and give the record a matching checksum, as a version without the check wrote it.
    const file = (await cacheFiles(indexDir))[0]!;
    const bytes = await readFile(file);
    const record = bytes.length - RECORD_BYTES;
    for (let index = 0; index < DIMENSIONS; index++) bytes.writeFloatLE(Number.NaN, record + 32 + index * 4);
    createHash('sha256')
      .update(bytes.subarray(record, record + 32 + DIMENSIONS * 4))
      .digest()
      .copy(bytes, record + 32 + DIMENSIONS * 4, 0, 8);
    await writeFile(file, bytes);

    const reopened = await EmbeddingCache.open(indexDir, model);
    expect(reopened.get(textKey('poisoned'))).toBeUndefined();
    await reopened.retainOnly([textKey('poisoned')]);
    expect((await stat(file)).size).toBe(bytes.length - RECORD_BYTES);
  });
});
