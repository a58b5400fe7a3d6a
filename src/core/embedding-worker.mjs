// Runs the transformers.js model off the main thread. onnxruntime-node runs a
// forward pass synchronously, so on the main thread it would stall the Discord
// gateway heartbeat and every other reply for the length of a batch.
// Plain JavaScript on purpose: worker threads are started without the
// TypeScript loader in every runtime we use (tsx, vitest, node).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { env, pipeline } from '@xenova/transformers';

/** @type {{ model: string, isLocalDirectory: boolean, cacheDir: string, quantized: boolean, threads?: number }} */
const settings = workerData;

/** @type {any} */
let extractor;

function configureTransformers() {
  env.cacheDir = settings.cacheDir;
  if (settings.isLocalDirectory) {
    // A local directory is resolved as <localModelPath>/<name>; never go to the network for it.
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.dirname(settings.model) + path.sep;
    // The file cache is keyed by the directory's base name: a cached hub model of that name would shadow it.
    env.useFSCache = false;
  } else {
    // Hub ids come from the cache or the network, not from the default /models/ folder.
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
  }
  if (settings.threads && env.backends?.onnx?.wasm) env.backends.onnx.wasm.numThreads = settings.threads;
}

function modelName() {
  return settings.isLocalDirectory ? path.basename(settings.model) : settings.model;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The longest input the model accepts, in tokens (special tokens included). */
function maxTokensOf(tokenizer, config) {
  const candidates = [tokenizer?.model_max_length, config?.max_position_embeddings];
  const sane = candidates.filter((value) => Number.isInteger(value) && value > 8 && value < 100_000);
  // XLM-R style position tables reserve two slots (514 positions for 512 tokens).
  const limit = sane.length ? Math.min(...sane) : 512;
  return config?.model_type === 'xlm-roberta' && limit === config?.max_position_embeddings ? limit - 2 : limit;
}

async function load() {
  configureTransformers();
  if (settings.isLocalDirectory) {
    const missing = ['config.json', 'tokenizer.json', settings.quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx'].filter(
      (file) => !existsSync(path.join(settings.model, file)),
    );
    if (missing.length) {
      const error = new Error(`the model directory ${settings.model} lacks ${missing.join(', ')}`);
      error.name = 'ModelFilesMissing';
      throw error;
    }
  }
  extractor = await pipeline('feature-extraction', modelName(), { quantized: settings.quantized });
  const config = extractor.model?.config ?? (settings.isLocalDirectory ? readJson(path.join(settings.model, 'config.json')) : undefined);
  const probe = await extractor(['probe'], { pooling: 'mean', normalize: true });
  return {
    dimensions: probe.dims.at(-1),
    maxTokens: maxTokensOf(extractor.tokenizer, config),
    modelType: config?.model_type ?? 'unknown',
  };
}

async function embed(texts) {
  const output = await extractor(texts, { pooling: 'mean', normalize: true });
  const data = output.data instanceof Float32Array ? output.data : Float32Array.from(output.data);
  return { dimensions: output.dims.at(-1), data };
}

function countTokens(texts) {
  return texts.map((text) => extractor.tokenizer.encode(text).length);
}

function describe(error) {
  const cause = error?.cause;
  return {
    name: error?.name ?? 'Error',
    message: String(error?.message ?? error),
    cause: cause ? String(cause.code ?? cause.message ?? cause) : undefined,
  };
}

let ready = load();

parentPort.on('message', async (message) => {
  try {
    if (message.type === 'init') {
      parentPort.postMessage({ id: message.id, result: await ready });
      return;
    }
    await ready;
    if (message.type === 'embed') {
      const result = await embed(message.texts);
      parentPort.postMessage({ id: message.id, result }, [result.data.buffer]);
    } else if (message.type === 'count') {
      parentPort.postMessage({ id: message.id, result: countTokens(message.texts) });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: describe(error) });
  }
});

// Keep a failed load from surfacing as an unhandled rejection; it is reported on 'init'.
ready.catch(() => {});
