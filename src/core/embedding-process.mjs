// Runs the transformers.js model in a child process. onnxruntime-node runs a
// forward pass synchronously, so in the bot's process it would stall the
// Discord gateway heartbeat and every other reply for the length of a batch.
// A process rather than a worker thread: onnxruntime-node's native addon cannot
// be loaded again in a process once the thread that loaded it has exited
// ("Module did not self-register"), and two threads that load and unload it
// crash the process (double free); a child process can be killed and restarted.
// Plain JavaScript on purpose: it starts without a TypeScript loader in every
// runtime we use (tsx, vitest, node).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { env, mean_pooling, pipeline } from '@xenova/transformers';

/** @type {{ model: string, isLocalDirectory: boolean, cacheDir: string, quantized: boolean, threads?: number }} */
const settings = JSON.parse(process.argv[2] ?? '{}');

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
    const missing = [
      'config.json',
      'tokenizer.json',
      settings.quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
    ].filter((file) => !existsSync(path.join(settings.model, file)));
    if (missing.length) {
      const error = new Error(`the model directory ${settings.model} lacks ${missing.join(', ')}`);
      error.name = 'ModelFilesMissing';
      throw error;
    }
  }
  extractor = await pipeline('feature-extraction', modelName(), { quantized: settings.quantized });
  const config =
    extractor.model?.config ??
    (settings.isLocalDirectory ? readJson(path.join(settings.model, 'config.json')) : undefined);
  const probe = await extractor(['probe'], { pooling: 'mean', normalize: true });
  return {
    dimensions: probe.dims.at(-1),
    maxTokens: maxTokensOf(extractor.tokenizer, config),
    modelType: config?.model_type ?? 'unknown',
  };
}

/**
 * Mean pooling over the unmasked tokens, then L2 normalisation: the same
 * arithmetic, in the same order, as transformers.js' `mean_pooling` and
 * `Tensor.normalize(2, -1)` (float64 sums, a float32 running sum of squares),
 * so the vectors are bit-identical, but without converting the BigInt mask
 * once per token *and* dimension or computing tensor indices per element
 * (per question: 0.73 ms before, 0.03 ms now, in `npm run bench`).
 */
function meanPoolNormalized(hidden, attentionMask) {
  const [rows, tokens, dimensions] = hidden.dims;
  const values = hidden.data;
  const output = new Float32Array(rows * dimensions);
  const sums = new Float64Array(dimensions);
  const mask = new Float64Array(tokens);
  for (let row = 0; row < rows; row++) {
    let count = 0;
    for (let token = 0; token < tokens; token++) {
      mask[token] = Number(attentionMask.data[row * tokens + token]);
      count += mask[token];
    }
    sums.fill(0);
    // Token by token, each dimension's sum still adds its terms in token order, as mean_pooling does.
    for (let token = 0; token < tokens; token++) {
      const weight = mask[token];
      const offset = (row * tokens + token) * dimensions;
      for (let dimension = 0; dimension < dimensions; dimension++)
        sums[dimension] += values[offset + dimension] * weight;
    }
    const start = row * dimensions;
    for (let dimension = 0; dimension < dimensions; dimension++) output[start + dimension] = sums[dimension] / count;
    let squares = 0;
    for (let dimension = 0; dimension < dimensions; dimension++)
      squares = Math.fround(squares + output[start + dimension] ** 2);
    const norm = Math.fround(squares ** (1 / 2));
    for (let dimension = 0; dimension < dimensions; dimension++) output[start + dimension] /= norm;
  }
  return { dims: [rows, dimensions], data: output };
}

/**
 * What a forward pass costs beyond its tokens, in tokens. Measured on the
 * multilingual-e5-small shape on a 2-core CPU: a pass took about 2 ms plus
 * 0.14 ms per token (padding included) at any batch size, so a pass is worth
 * ~16 tokens, and one pass over texts of very different lengths spends most
 * of its time on padding.
 */
const PASS_COST_IN_TOKENS = 16;

/**
 * Splits a batch into passes of similar-length texts, minimising the
 * estimated cost (passes × PASS_COST_IN_TOKENS + padded tokens) over
 * partitions of the texts sorted by length. Returns lists of indices.
 */
function passesFor(lengths) {
  const order = lengths.map((_, index) => index).sort((left, right) => lengths[left] - lengths[right] || left - right);
  const best = new Float64Array(order.length + 1).fill(Infinity);
  const start = new Int32Array(order.length + 1);
  best[0] = 0;
  for (let end = 1; end <= order.length; end++) {
    const longest = lengths[order[end - 1]];
    for (let first = 0; first < end; first++) {
      const cost = best[first] + PASS_COST_IN_TOKENS + (end - first) * longest;
      if (cost < best[end]) {
        best[end] = cost;
        start[end] = first;
      }
    }
  }
  const passes = [];
  for (let end = order.length; end > 0; end = start[end]) passes.unshift(order.slice(start[end], end));
  return passes;
}

/**
 * What `extractor(texts, { pooling: 'mean', normalize: true })` does
 * (FeatureExtractionPipeline._call), step by step so each step can be timed
 * for the benchmark, with a faster pooling step, and with a mixed-length
 * batch run as several passes of similar lengths (rows come back in order).
 */
async function embed(texts) {
  const timings = { tokens: 0, tokenizeMs: 0, forwardMs: 0, poolMs: 0 };
  let started = performance.now();
  const passes =
    texts.length === 1
      ? [[0]]
      : passesFor(
          texts.map((text) =>
            Math.min(extractor.tokenizer.encode(text).length, extractor.tokenizer.model_max_length ?? Infinity),
          ),
        );
  let data;
  let dimensions;
  for (const rows of passes) {
    const inputs = extractor.tokenizer(
      rows.map((row) => texts[row]),
      { padding: true, truncation: true },
    );
    const tokenized = performance.now();
    const outputs = await extractor.model(inputs);
    const forwarded = performance.now();
    const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    const output =
      hidden.data instanceof Float32Array
        ? meanPoolNormalized(hidden, inputs.attention_mask)
        : mean_pooling(hidden, inputs.attention_mask).normalize(2, -1);
    dimensions = output.dims.at(-1);
    data ??= new Float32Array(texts.length * dimensions);
    rows.forEach((row, position) =>
      data.set(output.data.subarray(position * dimensions, (position + 1) * dimensions), row * dimensions),
    );
    const pooled = performance.now();
    timings.tokens += inputs.input_ids.dims.reduce((product, size) => product * size, 1);
    timings.tokenizeMs += tokenized - started;
    timings.forwardMs += forwarded - tokenized;
    timings.poolMs += pooled - forwarded;
    started = performance.now();
  }
  return { dimensions, data, timings };
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

function reply(message) {
  // The parent may be gone (it was killed): then there is nobody to answer.
  if (process.connected) process.send(message);
}

// One request at a time, in arrival order: forward passes are synchronous
// anyway, and this way each request's timings are its own, not its queue's.
let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue.then(() => handle(message));
});

async function handle(message) {
  try {
    if (message.type === 'init') {
      reply({ id: message.id, result: await ready });
      return;
    }
    await ready;
    if (message.type === 'embed') {
      reply({ id: message.id, result: await embed(message.texts) });
    } else if (message.type === 'count') {
      reply({ id: message.id, result: countTokens(message.texts) });
    }
  } catch (error) {
    reply({ id: message.id, error: describe(error) });
  }
}

// Never outlive the bot: when it exits or is killed, the IPC channel closes.
process.on('disconnect', () => process.exit(0));

// Keep a failed load from surfacing as an unhandled rejection; it is reported on 'init'.
ready.catch(() => {});
