import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as OnnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createE5ShapeModel } from '../../../bench/e5-shape-model.js';
import { mappedWeightsFile } from '../../../src/core/embedding/mapped-weights.js';
import { DATA_ALIGNMENT, externalizeInitializers } from '../../../src/core/embedding/onnx-external-data.mjs';
import { TransformersEmbedder } from '../../../src/core/embedding/transformers-embedder.js';
import { capturingLogger, makeTinyModel, removeTempDirs, tempDir } from '../../support/fixtures.js';
import { localModelOptions } from '../../support/tiny-model.js';

/**
 * The model process loads a copy of the weights whose large initializers are
 * ONNX external data, which onnxruntime maps from disk: only the pages of the
 * embedding table a question touches become resident. The copy must compute
 * exactly what the original does, be made once per version of the weights,
 * and never stand in for a model it does not fit.
 */

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;

afterAll(removeTempDirs);

const texts = [
  'query: 英伟达市值一天蒸发了多少？',
  'passage: DeepSeek 的模型训练成本',
  'How much did Nvidia lose?',
  '',
];

const weightsOf = (directory: string) => path.join(directory, 'onnx', 'model_quantized.onnx');
const mappedFiles = (directory: string) =>
  readdirSync(path.join(directory, 'onnx'))
    .filter((name) => name.includes('.mapped'))
    .sort();

async function vectorsOf(directory: string, mapWeightsFromBytes: number) {
  const embedder = await TransformersEmbedder.load({
    ...localModelOptions(directory),
    mapWeightsFromBytes,
  });
  try {
    const vectors = await embedder.embed(texts, 'passage');
    // Which files the model process has mapped (Linux tells; elsewhere the check is skipped).
    const maps = process.platform === 'linux' ? readFileSync(`/proc/${embedder.modelProcessId}/maps`, 'utf8') : '';
    return { vectors: vectors.map((vector) => Array.from(vector)), maps };
  } finally {
    await embedder.close();
  }
}

const TINY = 'the tiny test model (a float embedding table)';
const E5_SHAPED = 'a small e5-shaped model (int8 tables behind DequantizeLinear)';
const models: Record<string, string> = {};

beforeAll(async () => {
  models[TINY] = await makeTinyModel();
  models[E5_SHAPED] = await createE5ShapeModel(path.join(await tempDir('e5-mapped-'), 'e5-shape'), {
    vocabSize: 22_000,
    layers: 2,
    hidden: 32,
    heads: 2,
    intermediate: 64,
    maxPositions: 512,
  });
}, 120_000);

describe.each([TINY, E5_SHAPED])('given %s, mapped', (name) => {
  it("then the model process maps the copy's data file, and its vectors are bit-identical to the original's", async () => {
    const directory = models[name]!;
    const whole = await vectorsOf(directory, Number.POSITIVE_INFINITY);
    expect(mappedFiles(directory)).toEqual([]);
    const mapped = await vectorsOf(directory, 0);
    expect(mapped.vectors).toEqual(whole.vectors);
    const [copy, data, record] = mappedFiles(directory);
    expect(record).toBe('model_quantized.mapped.json');
    expect(data).toBe(`${copy}.data`);
    if (process.platform === 'linux') {
      expect(mapped.maps).toContain(path.join(directory, 'onnx', data!));
      expect(whole.maps).not.toContain('.mapped-');
    }
  }, 120_000);

  it('then the copy is the original with each initializer of 1 KiB or more moved, byte for byte, to page-aligned offsets', () => {
    const directory = models[name]!;
    const original = onnx.ModelProto.decode(readFileSync(weightsOf(directory)));
    const [copyName] = mappedFiles(directory);
    const copy = onnx.ModelProto.decode(readFileSync(path.join(directory, 'onnx', copyName!)));
    const data = readFileSync(path.join(directory, 'onnx', `${copyName}.data`));
    expect(copy.graph!.node!.length).toBe(original.graph!.node!.length);
    expect(copy.graph!.initializer!.map((tensor) => tensor.name)).toEqual(
      original.graph!.initializer!.map((tensor) => tensor.name),
    );
    let moved = 0;
    original.graph!.initializer!.forEach((tensor, index) => {
      const copied = copy.graph!.initializer![index]!;
      expect(copied.dims).toEqual(tensor.dims);
      expect(copied.dataType).toBe(tensor.dataType);
      const raw = tensor.rawData ?? new Uint8Array();
      if (raw.length < 1024) {
        expect(copied.dataLocation ?? 0).toBe(onnx.TensorProto.DataLocation.DEFAULT);
        expect(Buffer.from(copied.rawData ?? [])).toEqual(Buffer.from(raw));
        return;
      }
      moved++;
      expect(copied.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
      const where = Object.fromEntries(copied.externalData!.map((entry) => [entry.key, entry.value]));
      expect(where.location).toBe(`${copyName}.data`);
      const offset = Number(where.offset);
      expect(offset % DATA_ALIGNMENT).toBe(0);
      expect(Number(where.length)).toBe(raw.length);
      expect(data.subarray(offset, offset + raw.length).equals(Buffer.from(raw))).toBe(true);
    });
    expect(moved).toBeGreaterThan(0);
  });
});

describe('given mapped weights that were made before', () => {
  it('then the copy is used again as it is, and made anew once the weights change: the old copy and what killed runs left are removed, not what running ones write', async () => {
    const directory = await makeTinyModel();
    const source = weightsOf(directory);
    const first = await mappedWeightsFile(source, { fromBytes: 0 });
    expect(first).not.toBe(source);
    const madeAt = statSync(first).mtimeMs;
    expect(await mappedWeightsFile(source, { fromBytes: 0 })).toBe(first);
    expect(statSync(first).mtimeMs).toBe(madeAt);

    // What a copy killed midway left (its process is gone), and what one still running writes.
    const killed = `${path.basename(first)}.data.partial-999999999`;
    const running = `${path.basename(first)}.data.partial-${process.pid}`;
    for (const name of [killed, running]) writeFileSync(path.join(directory, 'onnx', name), 'partial');

    // The same model saved again: another time stamp, another key.
    const later = new Date(Date.now() + 5000);
    utimesSync(source, later, later);
    const second = await mappedWeightsFile(source, { fromBytes: 0 });
    expect(second).not.toBe(first);
    expect(mappedFiles(directory)).toEqual(
      [path.basename(second), `${path.basename(second)}.data`, 'model_quantized.mapped.json', running].sort(),
    );
  }, 60_000);
});

describe('given a mapped model whose process dies', () => {
  it('then the process started again loads the mapped copy too', async () => {
    const directory = await makeTinyModel();
    const embedder = await TransformersEmbedder.load({
      ...localModelOptions(directory),
      mapWeightsFromBytes: 0,
    });
    try {
      const [before] = await embedder.embed(texts.slice(0, 1), 'query');
      process.kill(embedder.modelProcessId!, 'SIGKILL');
      await expect(embedder.embed(texts.slice(0, 1), 'query')).rejects.toThrow();
      const [after] = await embedder.embed(texts.slice(0, 1), 'query');
      expect(embedder.restarts).toBe(1);
      expect(Array.from(after!)).toEqual(Array.from(before!));
      if (process.platform === 'linux')
        expect(readFileSync(`/proc/${embedder.modelProcessId}/maps`, 'utf8')).toMatch(/\.mapped-\w+\.onnx\.data/);
    } finally {
      await embedder.close();
    }
  }, 60_000);
});

describe('given weights the copy does not fit', () => {
  it('then a file below the threshold is loaded as it is, and nothing is written beside it', async () => {
    const directory = await makeTinyModel();
    expect(await mappedWeightsFile(weightsOf(directory), { fromBytes: 1e12 })).toBe(weightsOf(directory));
    expect(mappedFiles(directory)).toEqual([]);
  });

  it('then weights whose initializers are external data already are loaded as they are, and why is logged', async () => {
    const directory = await makeTinyModel();
    const source = weightsOf(directory);
    const dataName = 'model_quantized.onnx.data';
    const descriptor = openSync(path.join(directory, 'onnx', dataName), 'w');
    const external = externalizeInitializers(readFileSync(source), {
      dataName,
      minBytes: 1024,
      write: (chunk) => writeSync(descriptor, chunk),
    });
    closeSync(descriptor);
    writeFileSync(source, external.model);
    const { logger, lines } = capturingLogger('info');
    expect(await mappedWeightsFile(source, { fromBytes: 0, logger })).toBe(source);
    expect(lines().map((line) => line.reason)).toContain(
      'its initializers are external data already (onnxruntime maps them)',
    );
    // And the model still loads and embeds, from its own external data.
    const { vectors } = await vectorsOf(directory, 0);
    expect(vectors[0]!.some((value) => value !== 0)).toBe(true);
  }, 60_000);
});
