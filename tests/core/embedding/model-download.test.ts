import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/core/embedding/embedder.js';
import { cachedModelDirectory, isDownloadComplete, modelFiles } from '../../../src/core/embedding/model-download.js';
import {
  TransformersEmbedder,
  type TransformersEmbedderOptions,
} from '../../../src/core/embedding/transformers-embedder.js';
import { startFakeHub, type FakeHub } from '../../support/fake-hub.js';
import { makeTinyModel, removeTempDirs, tempDir } from '../../support/fixtures.js';

const MODEL = 'test-owner/tiny-e5-model';
const WEIGHTS = 'onnx/model_quantized.onnx';

let modelDir: string;
let hub: FakeHub | undefined;

beforeAll(async () => {
  modelDir = await makeTinyModel();
});

afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

afterAll(removeTempDirs);

async function hubOptions(endpoint: string): Promise<TransformersEmbedderOptions> {
  return {
    model: MODEL,
    isLocalDirectory: false,
    cacheDir: await tempDir('model-cache-'),
    hubEndpoint: endpoint,
    quantized: true,
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
  };
}

async function loadError(options: TransformersEmbedderOptions): Promise<Error> {
  const error = await TransformersEmbedder.load(options).then(
    async (embedder) => {
      await embedder.close();
      return undefined;
    },
    (caught: unknown) => caught as Error,
  );
  expect(error, 'the load should have failed').toBeInstanceOf(ModelLoadError);
  return error!;
}

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('given a model id and a hub (HF_ENDPOINT) on loopback', () => {
  it('then the model is downloaded from that hub into the cache, and later loads with the hub down', async () => {
    hub = await startFakeHub({ [MODEL]: modelDir });
    const options = await hubOptions(hub.endpoint);
    const progress: string[] = [];
    const first = await TransformersEmbedder.load({
      ...options,
      onDownloadProgress: ({ file }) => progress.push(file),
    });
    const [downloaded] = await first.embed(['杰文斯悖论'], 'query');
    await first.close();

    expect(hub.requests).toEqual(modelFiles(true).map((file) => `/${MODEL}/resolve/main/${file}`));
    expect(new Set(progress)).toEqual(new Set(modelFiles(true)));
    const directory = cachedModelDirectory(options.cacheDir, MODEL);
    expect(directory).toBe(path.join(options.cacheDir, 'test-owner', 'tiny-e5-model'));
    expect(isDownloadComplete(directory, true)).toBe(true);

    await hub.close();
    hub = undefined;
    const offline = await TransformersEmbedder.load(options);
    try {
      const [cached] = await offline.embed(['杰文斯悖论'], 'query');
      expect(Array.from(cached!)).toEqual(Array.from(downloaded!));
      // A hub model keeps its identity in the index manifest wherever its files came from.
      expect(offline.info.fingerprint).toBe(`hub:${MODEL}`);
    } finally {
      await offline.close();
    }
  });

  it('then a download cut short fails clearly, is never taken as complete, and the next one fetches only what is missing', async () => {
    hub = await startFakeHub({ [MODEL]: modelDir });
    hub.cutShort(WEIGHTS);
    const options = await hubOptions(hub.endpoint);
    const error = await loadError(options);
    expect(error.message).toContain(`The embedding model "${MODEL}" cannot be downloaded`);
    expect(error.message).toContain(hub.endpoint);
    expect(error.message).toMatch(/HF_ENDPOINT/);

    const directory = cachedModelDirectory(options.cacheDir, MODEL);
    expect(isDownloadComplete(directory, true)).toBe(false);
    expect(existsSync(path.join(directory, WEIGHTS))).toBe(false);

    hub.heal();
    hub.requests.length = 0;
    const embedder = await TransformersEmbedder.load(options);
    await embedder.close();
    expect(hub.requests).toEqual([`/${MODEL}/resolve/main/${WEIGHTS}`]);
    expect(isDownloadComplete(directory, true)).toBe(true);
  });

  it('then a model the hub does not have is named as missing', async () => {
    hub = await startFakeHub({});
    const error = await loadError(await hubOptions(hub.endpoint));
    expect(error.message).toContain(
      `The embedding model "${MODEL}" cannot be downloaded: ${hub.endpoint} has no such model`,
    );
  });
});

describe('given a hub that cannot be reached', () => {
  it('then the error names the model and the endpoint, suggests a mirror and says how to go offline', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const error = await loadError(await hubOptions(endpoint));
    expect(error.message).toContain(
      `The embedding model "${MODEL}" cannot be downloaded: it could not be fetched from ${endpoint}`,
    );
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('HF_ENDPOINT=https://hf-mirror.com');
    expect(error.message).toContain('npm run download-model');
  });
});
