import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUESTIONS_FILE } from '../../../../src/core/evaluation/questions.js';
import { staleReason } from '../../../../src/core/index/index-store.js';
import { KnowledgeBase } from '../../../../src/core/knowledge-base.js';
import { toSimplifiedScript } from '../../../../src/core/corpus/normalize.js';
import { TransformersEmbedder } from '../../../../src/core/embedding/transformers-embedder.js';
import {
  CalibrationError,
  calibrationFrom,
  PROBE_SET_ID,
  PROBES,
} from '../../../../src/core/search/relevance/calibration.js';
import {
  ARTICLE_TEXT,
  capturingLogger,
  makeTinyModel,
  PROJECT_ROOT,
  removeTempDirs,
  tempDir,
} from '../../../support/fixtures.js';
import { SyntheticEmbedder } from '../../../support/synthetic-embedder.js';

const CORPUS = path.join(PROJECT_ROOT, 'corpus');

afterAll(removeTempDirs);

async function open(embedder: SyntheticEmbedder, indexDir?: string, minScore?: number): Promise<KnowledgeBase> {
  return KnowledgeBase.open({
    corpusPath: CORPUS,
    indexDir: indexDir ?? (await tempDir('calibration-')),
    embedder,
    minScore,
  });
}

describe('given the off-topic probes', () => {
  it('then there are at least 60, at least 20 in each language, none of them an evaluation question', () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(60);
    for (const lang of ['zh-Hans', 'zh-Hant', 'en'] as const) {
      expect(PROBES.filter((probe) => probe.lang === lang).length).toBeGreaterThanOrEqual(20);
    }
    const questions = new Set(
      (JSON.parse(readFileSync(DEFAULT_QUESTIONS_FILE, 'utf8')) as Array<{ question: string }>).map(
        (question) => question.question,
      ),
    );
    expect(PROBES.filter((probe) => questions.has(probe.text))).toEqual([]);
  });
});

describe('given the probes’ best scores', () => {
  it('then the bar is their 98th percentile and the unit of evidence its distance from their median', () => {
    const scores = Array.from({ length: 101 }, (_, index) => index / 100);
    const calibration = calibrationFrom(scores);
    expect(calibration.bar).toBeCloseTo(0.98);
    expect(calibration.spread).toBeCloseTo(0.48);
    expect(calibration.distribution.median).toBeCloseTo(0.5);
    expect(calibration.probes).toBe(101);
    expect(scores.filter((score) => score > calibration.bar).length / scores.length).toBeLessThanOrEqual(0.02);
  });
});

describe('given models whose scores for unrelated text run high or low', () => {
  it('then the one that runs high gets a high bar and the one that runs low a low bar, each stored in the manifest', async () => {
    const high = await open(new SyntheticEmbedder('runs-high', 2));
    const low = await open(new SyntheticEmbedder('runs-low', 0));
    expect(high.manifest.calibration.bar).toBeGreaterThan(0.7);
    expect(low.manifest.calibration.bar).toBeLessThan(0.6);
    expect(high.manifest.calibration.distribution.median).toBeGreaterThan(low.manifest.calibration.distribution.median);
    for (const knowledgeBase of [high, low]) {
      expect(knowledgeBase.manifest.calibration.probeSet).toBe(PROBE_SET_ID);
      expect(knowledgeBase.manifest.calibration.probes).toBe(PROBES.length);
      expect(knowledgeBase.bar).toMatchObject({ bar: knowledgeBase.manifest.calibration.bar, source: 'calibrated' });
    }
  });

  it('then MIN_SCORE sets the bar instead, and the calibration is kept', async () => {
    const knowledgeBase = await open(new SyntheticEmbedder('runs-high', 2), undefined, 0.95);
    expect(knowledgeBase.bar).toMatchObject({
      bar: 0.95,
      source: 'MIN_SCORE',
      spread: knowledgeBase.manifest.calibration.spread,
    });
    expect(knowledgeBase.manifest.calibration.bar).toBeLessThan(0.95);
  });

  it('then changing the model rebuilds the index and recalibrates', async () => {
    const indexDir = await tempDir('calibration-');
    const first = await open(new SyntheticEmbedder('runs-high', 2), indexDir);
    const second = await open(new SyntheticEmbedder('runs-low', 0), indexDir);
    expect(second.startReport.action).toBe('built');
    expect(second.startReport.reason).toMatch(/model changed/);
    expect(second.manifest.calibration.bar).toBeLessThan(first.manifest.calibration.bar);
  });

  it('then an index calibrated with other probes is stale', async () => {
    const knowledgeBase = await open(new SyntheticEmbedder('runs-high', 2));
    const manifest = {
      ...knowledgeBase.manifest,
      calibration: { ...knowledgeBase.manifest.calibration, probeSet: 'older-probes' },
    };
    expect(staleReason(manifest, manifest.corpus.contentHash, knowledgeBase.embedder.info)).toBe(
      'the calibration probes changed',
    );
  });
});

/** The tiny model, knowing only some characters: text of none of them embeds as a zero vector. */
async function modelKnowing(characters: string): Promise<TransformersEmbedder> {
  const dir = await makeTinyModel({ knownCharacters: characters });
  return TransformersEmbedder.load({
    model: dir,
    isLocalDirectory: true,
    cacheDir: dir,
    quantized: true,
    queryPrefix: '',
    passagePrefix: '',
  });
}

const uniqueCharacters = (text: string, keep: RegExp) => [...new Set(text)].filter((c) => keep.test(c)).join('');

describe('given a model that embeds text it does not know as a zero vector', () => {
  it('then the unusable probes are left out and counted, the bar is finite, and it is served the same after a restart', async () => {
    // It knows the article's Chinese characters only: every English probe embeds as zeros.
    const embedder = await modelKnowing(uniqueCharacters(ARTICLE_TEXT, /\p{Script=Han}/u));
    try {
      const indexDir = await tempDir('calibration-');
      const options = { corpusPath: CORPUS, indexDir, embedder };
      const built = await KnowledgeBase.open(options);
      const { calibration } = built.manifest;
      const english = PROBES.filter((probe) => probe.lang === 'en').length;
      expect(calibration.excluded.probes).toBeGreaterThanOrEqual(english);
      expect(calibration.probes).toBe(PROBES.length - calibration.excluded.probes - calibration.excluded.cosines);
      expect(Number.isFinite(calibration.bar)).toBe(true);
      expect(Number.isFinite(calibration.spread)).toBe(true);

      const reopened = await KnowledgeBase.open(options);
      expect(reopened.startReport.action).toBe('loaded');
      expect(reopened.manifest.calibration).toEqual(calibration);
      for (const knowledgeBase of [built, reopened]) {
        expect((await knowledgeBase.ask('英伟达市值一天蒸发了多少?')).answered).toBe(true);
        // A question in words the model does not know has no dense evidence, and the article no such words.
        expect((await knowledgeBase.ask('How long do dumplings need to boil?')).answered).toBe(false);
      }
    } finally {
      await embedder.close();
    }
  });

  it('then with fewer than 30 usable probes the build stops with a message naming the model, and nothing is served', async () => {
    // It knows the article's Latin letters and digits only: every Chinese probe and most passages embed as zeros.
    const embedder = await modelKnowing(uniqueCharacters(ARTICLE_TEXT, /[a-z0-9]/i));
    try {
      const indexDir = await tempDir('calibration-');
      const captured = capturingLogger();
      const opening = KnowledgeBase.open({ corpusPath: CORPUS, indexDir, embedder, logger: captured.logger });
      await expect(opening).rejects.toBeInstanceOf(CalibrationError);
      await expect(opening).rejects.toThrow(
        new RegExp(
          `calibrated for the embedding model ${embedder.info.id.replace(/[/\\]/g, '.')}: only \\d+ of ${PROBES.length}`,
        ),
      );
      const leftOut = captured.lines().filter((line) => /unusable vector/.test(String(line.msg)));
      expect(leftOut.length).toBeGreaterThan(0);
      expect(leftOut[0]).toMatchObject({ level: 40, passage: expect.stringMatching(/#\d+$/) });
      await expect(readdir(indexDir)).resolves.not.toContain('CURRENT');
    } finally {
      await embedder.close();
    }
  });
});

describe('given a model that gives some probes and passages unusable vectors', () => {
  it('then each kind is counted apart, and the bar comes from the rest', async () => {
    const zeroFor = (text: string) => text.includes('水') || text.includes('杰文斯');
    const knowledgeBase = await open(new SyntheticEmbedder('runs-low', 0, 48, zeroFor));
    const { excluded } = knowledgeBase.manifest.calibration;
    const zeroProbes = PROBES.filter((probe) => zeroFor(toSimplifiedScript(probe.text))).length;
    expect(zeroProbes).toBeGreaterThan(0);
    expect(excluded).toEqual({
      probes: zeroProbes,
      windows: knowledgeBase.manifest.windowsWithoutVector.length,
      cosines: 0,
    });
    expect(excluded.windows).toBeGreaterThan(0);
    expect(knowledgeBase.manifest.calibration.probes).toBe(PROBES.length - zeroProbes);
  });

  it('then scores that are not finite never make a bar', () => {
    expect(() => calibrationFrom([0.1, Number.NaN, 0.3])).toThrow(/finite/);
  });
});
