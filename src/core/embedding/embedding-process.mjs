// Runs the embedding model in a child process. onnxruntime-node runs a
// forward pass synchronously, so in the bot's process it would stall the
// Discord gateway heartbeat and every other reply for the length of a batch.
// A process rather than a worker thread: onnxruntime-node's native addon cannot
// be loaded again in a process once the thread that loaded it has exited
// ("Module did not self-register"), and two threads that load and unload it
// crash the process (double free); a child process can be killed and restarted.
// Plain JavaScript on purpose: it starts without a TypeScript loader in every
// runtime we use (tsx, vitest, node).
//
// The model is read from a complete local directory (a download, if any, has
// happened before: model-download-process.mjs). The session is made from the
// file's path, not from a buffer — from the weights' memory-mapped copy when
// mapped-weights.ts made one, so that only the pages of the embedding table a
// question touches are resident — and the tokenizer is Hugging Face's own (the
// `tokenizers` package): together well under half the memory of
// transformers.js' pipeline, with the same token ids and bit-identical vectors
// (see docs/performance.md#memory).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { Tokenizer } from 'tokenizers';
import { meanPoolNormalized, passesFor } from './embedding-math.mjs';
import { compactUnigram } from './unigram-tokenizer.mjs';

/** @type {{ directory: string, quantized: boolean, cpuMemArena: boolean, weightsFile?: string }} */
const settings = JSON.parse(process.argv[2] ?? '{}');

/** @type {{ session: any, tokenizer: any, maxLength: number, padId: number, needsTokenTypes: boolean }} */
let model;

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The longest input the model accepts, in tokens (special tokens included). */
function maxTokensOf(tokenizerConfig, config) {
  const candidates = [tokenizerConfig?.model_max_length, config?.max_position_embeddings];
  const sane = candidates.filter((value) => Number.isInteger(value) && value > 8 && value < 100_000);
  // XLM-R style position tables reserve two slots (514 positions for 512 tokens).
  const limit = sane.length ? Math.min(...sane) : 512;
  return config?.model_type === 'xlm-roberta' && limit === config?.max_position_embeddings ? limit - 2 : limit;
}

/** A special token as tokenizer_config.json writes it: a string, or an object with its content. */
const tokenText = (token) => (typeof token === 'string' ? token : token?.content);

function weightsFile() {
  return path.join(settings.directory, 'onnx', settings.quantized ? 'model_quantized.onnx' : 'model.onnx');
}

/**
 * The file the session is made from: the weights' memory-mapped copy (mapped-weights.ts) while it
 * and its data are on disk, the weights themselves otherwise.
 */
function sessionFile() {
  const copy = settings.weightsFile;
  return copy && existsSync(copy) && existsSync(`${copy}.data`) ? copy : weightsFile();
}

async function load() {
  const missing = ['config.json', 'tokenizer.json', path.relative(settings.directory, weightsFile())].filter(
    (file) => !existsSync(path.join(settings.directory, file)),
  );
  if (missing.length) {
    const error = new Error(`the model directory ${settings.directory} lacks ${missing.join(', ')}`);
    error.name = 'ModelFilesMissing';
    throw error;
  }
  const config = readJson(path.join(settings.directory, 'config.json'));
  const tokenizerConfig = readJson(path.join(settings.directory, 'tokenizer_config.json')) ?? {};
  const tokenizerFile = path.join(settings.directory, 'tokenizer.json');
  // A SentencePiece Unigram vocabulary (e5's) is held compactly; any other tokenizer is `tokenizers`' own.
  const tokenizer = compactUnigram(tokenizerFile, readFileSync(tokenizerFile)) ?? Tokenizer.fromFile(tokenizerFile);
  // Padding and truncation are done here, as transformers.js did them (truncation cuts the
  // ids, the closing special token included), so the ids are the ones indexes were built from.
  tokenizer.disablePadding?.();
  tokenizer.disableTruncation?.();
  const padToken = tokenText(tokenizerConfig.pad_token);
  const session = await ort.InferenceSession.create(sessionFile(), {
    executionProviders: ['cpu'],
    enableCpuMemArena: settings.cpuMemArena,
  });
  model = {
    session,
    tokenizer,
    // transformers.js' model_max_length: the tokenizer's limit, whatever the position table says.
    maxLength: Number.isInteger(tokenizerConfig.model_max_length) ? tokenizerConfig.model_max_length : Infinity,
    padId: (padToken !== undefined ? tokenizer.tokenToId(padToken) : null) ?? 0,
    needsTokenTypes: session.inputNames.includes('token_type_ids'),
  };
  const probe = await embed(['probe']);
  // Reading the tokenizer's file left garbage (its bytes: 17 MB for e5) that a quiet process might keep for hours.
  globalThis.gc?.();
  return {
    dimensions: probe.dimensions,
    maxTokens: maxTokensOf(tokenizerConfig, config),
    modelType: config?.model_type ?? 'unknown',
  };
}

/** Token ids of each text, special tokens included, neither padded nor truncated. */
async function encode(texts) {
  return model.tokenizer.encodeBatch(texts);
}

/** One pass's input tensors: ids cut to the model's limit, padded on the right to the longest. */
function tensorsFor(encodings) {
  const lengths = encodings.map((encoding) => Math.min(encoding.getLength(), model.maxLength));
  const rows = encodings.length;
  const columns = Math.max(...lengths);
  const ids = new BigInt64Array(rows * columns).fill(BigInt(model.padId));
  const mask = new BigInt64Array(rows * columns);
  const types = model.needsTokenTypes ? new BigInt64Array(rows * columns) : undefined;
  encodings.forEach((encoding, row) => {
    const rowIds = encoding.getIds();
    const rowTypes = types ? encoding.getTypeIds() : undefined;
    for (let column = 0; column < lengths[row]; column++) {
      ids[row * columns + column] = BigInt(rowIds[column]);
      mask[row * columns + column] = 1n;
      if (types) types[row * columns + column] = BigInt(rowTypes[column]);
    }
  });
  const dims = [rows, columns];
  const feeds = {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
  };
  if (types) feeds.token_type_ids = new ort.Tensor('int64', types, dims);
  return { feeds, mask, tokens: rows * columns };
}

/**
 * Mean-pooled, normalised vectors of the texts, a mixed-length batch run as
 * several passes of similar lengths (rows come back in order), each step timed
 * for the benchmark.
 */
async function embed(texts) {
  const timings = { tokens: 0, tokenizeMs: 0, forwardMs: 0, poolMs: 0 };
  let started = performance.now();
  const encodings = await encode(texts);
  const passes =
    texts.length === 1
      ? [[0]]
      : passesFor(encodings.map((encoding) => Math.min(encoding.getLength(), model.maxLength)));
  let data;
  let dimensions;
  for (const rows of passes) {
    const { feeds, mask, tokens } = tensorsFor(rows.map((row) => encodings[row]));
    const tokenized = performance.now();
    const outputs = await model.session.run(feeds);
    const forwarded = performance.now();
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings ?? outputs[model.session.outputNames[0]];
    if (!(hidden.data instanceof Float32Array))
      throw new Error(`the model's output is ${hidden.type}, not float32: only float32 models are supported`);
    const output = meanPoolNormalized(hidden.dims, hidden.data, mask);
    dimensions = output.dimensions;
    data ??= new Float32Array(texts.length * dimensions);
    rows.forEach((row, position) =>
      data.set(output.data.subarray(position * dimensions, (position + 1) * dimensions), row * dimensions),
    );
    const pooled = performance.now();
    timings.tokens += tokens;
    timings.tokenizeMs += tokenized - started;
    timings.forwardMs += forwarded - tokenized;
    timings.poolMs += pooled - forwarded;
    started = performance.now();
  }
  return { dimensions, data, timings };
}

async function countTokens(texts) {
  return (await encode(texts)).map((encoding) => encoding.getLength());
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
      reply({ id: message.id, result: await countTokens(message.texts) });
    }
  } catch (error) {
    reply({ id: message.id, error: describe(error) });
  }
}

// Never outlive the bot: when it exits or is killed, the IPC channel closes.
process.on('disconnect', () => process.exit(0));

// Keep a failed load from surfacing as an unhandled rejection; it is reported on 'init'.
ready.catch(() => {});
