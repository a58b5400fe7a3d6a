import { appendFile, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../../src/core/embedding/embedder.js';
import { TransformersEmbedder } from '../../../src/core/embedding/transformers-embedder.js';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../../../src/core/knowledge-base.js';
import { readSnapshot } from '../../../src/core/index/index-store.js';
import { capturingLogger, copyOfCorpus, makeTinyModel, removeTempDirs, tempDir } from '../../support/fixtures.js';

let modelDir: string;
let embedder: Embedder;

async function loadEmbedder(dir: string): Promise<Embedder> {
  return TransformersEmbedder.load({
    model: dir,
    isLocalDirectory: true,
    cacheDir: dir,
    quantized: true,
    queryPrefix: '',
    passagePrefix: '',
  });
}

beforeAll(async () => {
  modelDir = await makeTinyModel();
  embedder = await loadEmbedder(modelDir);
});

afterAll(async () => {
  await embedder.close();
  await removeTempDirs();
});

async function fixture(overrides: Partial<KnowledgeBaseOptions> = {}) {
  return { corpusPath: await copyOfCorpus(), indexDir: await tempDir('index-'), embedder, ...overrides };
}

describe('given no index yet', () => {
  it('then the first start builds it and a second start loads it without embedding anything', async () => {
    const options = await fixture();
    const first = await KnowledgeBase.open(options);
    expect(first.startReport.action).toBe('built');
    expect(first.startReport.embedded).toBeGreaterThanOrEqual(25);

    const second = await KnowledgeBase.open(options);
    expect(second.startReport).toMatchObject({ action: 'loaded', embedded: 0, passages: 25 });
    const question = '英伟达市值单日蒸发了多少';
    expect((await second.rank(question)).map((entry) => entry.passage.id)).toEqual(
      (await first.rank(question)).map((entry) => entry.passage.id),
    );
  });

  it('then the manifest round-trips with model, corpus hash, passages, files and versions', async () => {
    const options = await fixture();
    const built = await KnowledgeBase.open(options);
    const { manifest } = await readSnapshot(options.indexDir);
    expect(manifest).toEqual(built.manifest);
    expect(manifest.model).toMatchObject({
      id: modelDir,
      dimensions: 64,
      maxTokens: 128,
      queryPrefix: '',
      passagePrefix: '',
    });
    expect(manifest.corpus.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.passages).toHaveLength(25);
    expect(manifest.windows.length).toBeGreaterThan(25); // long paragraphs span several 128-token windows
    expect(Object.keys(manifest.files).sort()).toEqual(['lexical.json', 'vectors.hnsw']);
    expect(manifest.versions).toHaveProperty('hnswlib-node');
    expect(Date.parse(manifest.builtAt)).not.toBeNaN();
  });
});

describe('given a persisted index', () => {
  it('then a changed corpus triggers a rebuild', async () => {
    const options = await fixture();
    await KnowledgeBase.open(options);
    const file = path.join(options.corpusPath, 'wang-weijia-deepseek-wall-street.txt');
    await writeFile(file, (await readFile(file, 'utf8')).replace('热门', '新增的一段正文,讲的是别的事情。\n\n热门'));
    const reopened = await KnowledgeBase.open(options);
    expect(reopened.startReport).toMatchObject({ action: 'built', reason: 'the corpus changed' });
  });

  it('then a changed model triggers a rebuild', async () => {
    const options = await fixture();
    await KnowledgeBase.open(options);
    const otherModel = await loadEmbedder(await makeTinyModel({ dimensions: 32 }));
    try {
      const reopened = await KnowledgeBase.open({ ...options, embedder: otherModel });
      expect(reopened.startReport.action).toBe('built');
      expect(reopened.startReport.reason).toMatch(/model changed/);
      expect(reopened.manifest.model.dimensions).toBe(32);
    } finally {
      await otherModel.close();
    }
  });

  it.each([
    ['truncated', (file: string) => truncate(file, 100)],
    ['appended to', (file: string) => appendFile(file, 'garbage')],
    ['deleted', (file: string) => rm(file)],
  ])('then a %s vector file is detected, logged as a warning and rebuilt', async (_, damage) => {
    const options = await fixture();
    await KnowledgeBase.open(options);
    const current = (await readFile(path.join(options.indexDir, 'CURRENT'), 'utf8')).trim();
    await damage(path.join(options.indexDir, current, 'vectors.hnsw'));

    const captured = capturingLogger();
    const reopened = await KnowledgeBase.open({ ...options, logger: captured.logger });
    expect(reopened.startReport.action).toBe('built');
    expect(captured.lines().some((line) => line.level === 40 && /damaged/.test(String(line.msg)))).toBe(true);
    expect((await reopened.rank('杰文斯')).length).toBeGreaterThan(0);
  });
});

describe('given a manifest that is damaged but still valid JSON', () => {
  type Json = Record<string, unknown> & { calibration: Record<string, unknown>; passages: unknown[] };
  it.each([
    ['without a calibration', (manifest: Json) => ({ ...manifest, calibration: undefined })],
    ['with a calibration of null', (manifest: Json) => ({ ...manifest, calibration: null })],
    [
      'with a bar of null (NaN written as JSON)',
      (manifest: Json) => ({ ...manifest, calibration: { ...manifest.calibration, bar: null } }),
    ],
    [
      'with a spread that is not a number',
      (manifest: Json) => ({ ...manifest, calibration: { ...manifest.calibration, spread: 'wide' } }),
    ],
    [
      'with a passage without its text',
      (manifest: Json) => ({ ...manifest, passages: [{ id: 'x#1' }, ...manifest.passages.slice(1)] }),
    ],
    ['with a window pointing past the passages', (manifest: Json) => ({ ...manifest, windows: [9999] })],
  ])('then one %s is rebuilt with a warning, never served', async (_, damage) => {
    const options = await fixture();
    await KnowledgeBase.open(options);
    const current = (await readFile(path.join(options.indexDir, 'CURRENT'), 'utf8')).trim();
    const manifestFile = path.join(options.indexDir, current, 'manifest.json');
    await writeFile(manifestFile, JSON.stringify(damage(JSON.parse(await readFile(manifestFile, 'utf8')) as Json)));

    const captured = capturingLogger();
    const reopened = await KnowledgeBase.open({ ...options, logger: captured.logger });
    expect(reopened.startReport.action).toBe('built');
    expect(reopened.startReport.reason).toMatch(/manifest .* is damaged/);
    expect(captured.lines().some((line) => line.level === 40 && /damaged/.test(String(line.msg)))).toBe(true);
    expect(Number.isFinite(reopened.bar.bar)).toBe(true);
    expect((await reopened.ask('英伟达跌了17%')).answered).toBe(true);
  });
});

describe('given an index built with other HNSW settings', () => {
  it('then it is stale and rebuilt with the settings in force', async () => {
    const options = await fixture();
    await KnowledgeBase.open({ ...options, hnsw: { M: 8, efConstruction: 100, efSearch: 32 } });
    const reopened = await KnowledgeBase.open(options);
    expect(reopened.startReport).toMatchObject({ action: 'built' });
    expect(reopened.startReport.reason).toMatch(/HNSW settings changed \(M 8 → 16/);
    expect(reopened.manifest.hnsw).toMatchObject({ M: 16, efConstruction: 200, efSearch: 64 });
    expect((await KnowledgeBase.open(options)).startReport.action).toBe('loaded');
  });
});

describe('given an index written by another version of the bot', () => {
  it('then it is rebuilt as outdated, without a damage warning', async () => {
    const options = await fixture();
    await KnowledgeBase.open(options);
    const current = (await readFile(path.join(options.indexDir, 'CURRENT'), 'utf8')).trim();
    const manifestFile = path.join(options.indexDir, current, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { formatVersion: number };
    await writeFile(manifestFile, JSON.stringify({ ...manifest, formatVersion: 0 }));

    const captured = capturingLogger();
    const reopened = await KnowledgeBase.open({ ...options, logger: captured.logger });
    expect(reopened.startReport.action).toBe('built');
    expect(reopened.startReport.reason).toMatch(/another version/);
    expect(captured.lines().some((line) => (line.level as number) >= 40)).toBe(false);
  });
});

describe('given a write that is interrupted before it is made current', () => {
  it('then the previous index stays current and intact, and the leftovers are cleaned on the next start', async () => {
    const options = await fixture();
    const original = await KnowledgeBase.open(options);
    const file = path.join(options.corpusPath, 'wang-weijia-deepseek-wall-street.txt');
    await writeFile(file, (await readFile(file, 'utf8')).replace('热门', '另一段新的正文。\n\n热门'));

    const crash = new Error('simulated crash');
    await expect(
      KnowledgeBase.open({ ...options, writeHooks: { beforeCommit: () => Promise.reject(crash) } }),
    ).rejects.toBe(crash);

    // Put the corpus back: the old index must still be the one served, untouched.
    await writeFile(file, (await readFile(file, 'utf8')).replace('另一段新的正文。\n\n', ''));
    const reopened = await KnowledgeBase.open(options);
    expect(reopened.startReport).toMatchObject({ action: 'loaded', embedded: 0 });
    expect(reopened.manifest.builtAt).toBe(original.manifest.builtAt);
    const entries = await readdir(options.indexDir);
    expect(entries.filter((name) => name.startsWith('index-'))).toHaveLength(1);
    expect(entries.some((name) => name.startsWith('.building-') || name.endsWith('.tmp'))).toBe(false);
  });
});

describe('given a serving knowledge base', () => {
  it('then two concurrent reindexes share one rebuild', async () => {
    const knowledgeBase = await KnowledgeBase.open(await fixture());
    const first = knowledgeBase.reindex();
    const second = knowledgeBase.reindex();
    expect(second).toBe(first);
    const report = await first;
    expect(report).toMatchObject({ passages: 25, previousPassages: 25, added: 0, removed: 0, changed: 0 });
    expect(knowledgeBase.isRebuilding).toBe(false);
  });

  it('then questions asked during a rebuild are answered from the old index as before, and the new index serves afterwards', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let writing!: () => void;
    const reachedCommit = new Promise<void>((resolve) => (writing = resolve));
    const options = await fixture();
    const knowledgeBase = await KnowledgeBase.open(options);
    const questions = ['杰文斯悖论', '博通', '英伟达跌了17%'];
    const expected = await Promise.all(questions.map((question) => knowledgeBase.ask(question)));
    for (const answer of expected) expect(answer.answered).toBe(true);
    const before = knowledgeBase.manifest.builtAt;

    // The rebuild is held just before its index is made current, while the questions are asked.
    const holding = await KnowledgeBase.open({
      ...options,
      writeHooks: {
        beforeCommit: async () => {
          writing();
          await held;
        },
      },
    });
    const phases: string[] = [];
    const rebuild = holding.reindex((progress) => phases.push(progress.phase));
    await reachedCommit;
    const answers = await Promise.all(questions.map((question) => holding.ask(question)));
    expect(holding.isRebuilding).toBe(true);
    answers.forEach((answer, index) => {
      expect(answer.answered).toBe(true);
      expect(answer.results.map((result) => result.passage.id)).toEqual(
        expected[index]!.results.map((result) => result.passage.id),
      );
    });
    expect(holding.manifest.builtAt).toBe(before);
    release();
    await rebuild;
    expect(new Set(phases)).toEqual(new Set(['reading', 'embedding', 'writing']));
    expect(holding.manifest.builtAt).not.toBe(before);
  });

  it('then a failed rebuild rejects with the reason and the old index keeps serving', async () => {
    const options = await fixture();
    const knowledgeBase = await KnowledgeBase.open(options);
    const served = knowledgeBase.manifest;
    await rm(options.corpusPath, { recursive: true });
    await expect(knowledgeBase.reindex()).rejects.toThrow(/cannot be read/);
    expect(knowledgeBase.manifest).toBe(served);
    expect((await knowledgeBase.ask('博通')).answered).toBe(true);
  });

  it('then a paragraph split into several windows comes back once', async () => {
    const knowledgeBase = await KnowledgeBase.open(await fixture());
    const ranked = await knowledgeBase.rank('火车烧煤 煤炭价格 杰文斯悖论', { mode: 'dense', k: 10 });
    const ids = ranked.map((entry) => entry.passage.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
