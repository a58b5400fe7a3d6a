import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedModelDirectory, isDownloadComplete } from '../../src/core/embedding/model-download.js';
import { startFakeHub, type FakeHub } from '../support/fake-hub.js';
import { makeTinyModel, PROJECT_ROOT, removeTempDirs, tempDir } from '../support/fixtures.js';
import { runScript, STACK_FRAME } from '../support/processes.js';

const MODEL = 'test-owner/tiny-e5-model';
const WEIGHTS = 'onnx/model_quantized.onnx';
const SCRIPT = 'src/cli/download-model-cli.ts';

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

/** `npm run download-model` (and `npm run ask`) as a user runs them, with only these settings. */
async function settings(endpoint: string) {
  return {
    EMBEDDING_MODEL: MODEL,
    HF_ENDPOINT: endpoint,
    MODEL_CACHE_DIR: await tempDir('model-cache-'),
    CORPUS_PATH: path.join(PROJECT_ROOT, 'corpus'),
    INDEX_DIR: await tempDir('index-'),
    LOG_FORMAT: 'json',
  };
}

async function finished(script: string, args: string[], env: Record<string, string>) {
  const running = await runScript(script, args, env);
  const { code } = await running.exited;
  return { code, stderr: running.stderr(), stdout: running.stdout() };
}

describe('given `npm run download-model` and a hub mirror on loopback (HF_ENDPOINT)', () => {
  it('then it downloads the model with progress and checks it loads; then, with the hub down, it and the bot use the cache', async () => {
    hub = await startFakeHub({ [MODEL]: modelDir });
    const env = await settings(hub.endpoint);
    const first = await finished(SCRIPT, [], env);
    expect(first.stderr).toContain(`Downloading ${MODEL} from ${hub.endpoint}`);
    expect(first.stderr).toMatch(/onnx\/model_quantized\.onnx [\d.]+\/[\d.]+ MB/);
    expect(first.stderr).toMatch(/Ready: test-owner\/tiny-e5-model \(64 dimensions, 128-token window\)/);
    expect(first.code).toBe(0);

    await hub.close();
    hub = undefined;
    const again = await finished(SCRIPT, [], env);
    expect(again.stderr).toContain(`${MODEL} is already in the cache`);
    expect(again.code).toBe(0);
    const answer = await finished('src/cli/ask-cli.ts', ['--json', '杰文斯悖论是什么?'], env);
    expect(answer.code).toBe(0);
    expect((JSON.parse(answer.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
  }, 120_000);

  it('then a download killed midway leaves nothing that passes for the model: offline, the bot says it cannot get it; online, the download completes', async () => {
    hub = await startFakeHub({ [MODEL]: modelDir });
    hub.stall(WEIGHTS);
    const env = await settings(hub.endpoint);
    const killed = await runScript(SCRIPT, [], env, { detached: true });
    await hub.stalled();
    process.kill(-killed.child.pid!, 'SIGKILL');
    await killed.exited;

    const directory = cachedModelDirectory(env.MODEL_CACHE_DIR, MODEL);
    expect(isDownloadComplete(directory, true)).toBe(false);
    expect(existsSync(path.join(directory, WEIGHTS))).toBe(false);

    await hub.close();
    const offline = await finished('src/cli/ask-cli.ts', ['杰文斯悖论是什么?'], env);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain(`The embedding model "${MODEL}" cannot be downloaded`);
    expect(offline.stderr).not.toMatch(STACK_FRAME);

    hub = await startFakeHub({ [MODEL]: modelDir });
    const resumed = await finished(SCRIPT, [], { ...env, HF_ENDPOINT: hub.endpoint });
    expect(resumed.code).toBe(0);
    expect(hub.requests).toEqual([`/${MODEL}/resolve/main/${WEIGHTS}`]);
    expect(isDownloadComplete(directory, true)).toBe(true);
  }, 120_000);

  it('then a hub that cannot serve the model makes it exit 1 with a message, not a stack trace', async () => {
    hub = await startFakeHub({});
    const { code, stderr } = await finished(SCRIPT, [], await settings(hub.endpoint));
    expect(code).toBe(1);
    expect(stderr).toContain(`The embedding model "${MODEL}" cannot be downloaded: ${hub.endpoint} has no such model`);
    expect(stderr).not.toMatch(STACK_FRAME);
  }, 60_000);
});
