import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUESTIONS_FILE } from '../../../../src/core/evaluation/questions.js';
import { staleReason } from '../../../../src/core/index/index-store.js';
import { KnowledgeBase } from '../../../../src/core/knowledge-base.js';
import { calibrationFrom, PROBE_SET_ID, PROBES } from '../../../../src/core/search/relevance/calibration.js';
import { PROJECT_ROOT, removeTempDirs, tempDir } from '../../../support/fixtures.js';
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
