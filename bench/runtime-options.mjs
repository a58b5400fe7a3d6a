// The ways the model process could run the model, side by side (issue 13): each
// option in a fresh process, the options alternating round by round, with
// ratios against transformers.js' pipeline (what the bot ran before) taken
// within each round. Not part of `npm run bench`: it chose the runtime, and
// says again what the choice rests on.
//
//   node bench/runtime-options.mjs MODEL_DIR [ROUNDS] [--hf4 PATH]
//
// MODEL_DIR: a transformers.js model directory, e.g. the benchmark's
// .cache/bench-model/e5-shape-*; ROUNDS: default 7; --hf4: the path of an
// installed @huggingface/transformers 4 package, to include it (it is no
// dependency of the bot: its onnxruntime-node downloads CUDA binaries at install).
//
// Per option: RSS after loading, after 50 questions one at a time, after a
// burst (4 batches of 16), after embedding the article's paragraphs (as an
// index build does); load time; question latency (p50); and, against the
// pipeline, the smallest cosine between vectors and how many token id lists are equal.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const rssMiB = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const median = (values) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];

const OPTIONS = [
  { name: 'transformers.js pipeline (before)', mode: 'pipeline', arena: true },
  { name: 'onnxruntime 1.14 from the path + transformers.js tokenizer', mode: 'ort-xenova', arena: true },
  { name: 'onnxruntime 1.14 from the path + tokenizers', mode: 'ort-tokenizers', arena: true },
  { name: 'onnxruntime 1.14 from the path + tokenizers, no arena (the bot)', mode: 'ort-tokenizers', arena: false },
  { name: '@huggingface/transformers 4 (onnxruntime 1.30)', mode: 'hf4', arena: true, optional: true },
  { name: '@huggingface/transformers 4, no arena', mode: 'hf4', arena: false, optional: true },
];

function meanPool(dims, values, mask) {
  const [rows, tokens, dimensions] = dims;
  const output = new Float32Array(rows * dimensions);
  for (let row = 0; row < rows; row++) {
    const sums = new Float64Array(dimensions);
    let count = 0;
    for (let token = 0; token < tokens; token++) {
      const weight = Number(mask[row * tokens + token]);
      count += weight;
      for (let dimension = 0; dimension < dimensions; dimension++)
        sums[dimension] += values[(row * tokens + token) * dimensions + dimension] * weight;
    }
    let squares = 0;
    for (let dimension = 0; dimension < dimensions; dimension++) {
      output[row * dimensions + dimension] = sums[dimension] / count;
      squares = Math.fround(squares + output[row * dimensions + dimension] ** 2);
    }
    const norm = Math.fround(squares ** 0.5);
    for (let dimension = 0; dimension < dimensions; dimension++) output[row * dimensions + dimension] /= norm;
  }
  return output;
}

/** An embed(texts) → { ids, vectors } for one option. */
async function load(mode, arena, modelDir, hf4) {
  const local = (env) => {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.dirname(modelDir) + path.sep;
    env.useFSCache = false;
  };
  if (mode === 'pipeline' || mode === 'hf4') {
    const library = await import(
      mode === 'pipeline' ? '@xenova/transformers' : path.join(hf4, 'dist', 'transformers.node.mjs')
    );
    local(library.env);
    const options =
      mode === 'pipeline'
        ? { quantized: true }
        : { dtype: 'q8', device: 'cpu', session_options: { enableCpuMemArena: arena } };
    const extractor = await library.pipeline('feature-extraction', path.basename(modelDir), options);
    return async (texts) => {
      const inputs = extractor.tokenizer(texts, { padding: true, truncation: true });
      const hidden = (await extractor.model(inputs)).last_hidden_state;
      return {
        ids: inputs.input_ids.tolist().map((row) => row.map(Number)),
        vectors: meanPool(hidden.dims, hidden.data, inputs.attention_mask.data),
      };
    };
  }
  const ort = (await import('onnxruntime-node')).default;
  const session = await ort.InferenceSession.create(path.join(modelDir, 'onnx', 'model_quantized.onnx'), {
    executionProviders: ['cpu'],
    enableCpuMemArena: arena,
  });
  let tokenize;
  let padId;
  if (mode === 'ort-xenova') {
    const { env, AutoTokenizer } = await import('@xenova/transformers');
    local(env);
    const tokenizer = await AutoTokenizer.from_pretrained(path.basename(modelDir));
    padId = BigInt(tokenizer.pad_token_id ?? 0);
    tokenize = async (texts) => texts.map((text) => tokenizer.encode(text));
  } else {
    const { Tokenizer } = await import('tokenizers');
    const tokenizer = Tokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
    const { pad_token: padToken } = readJson(path.join(modelDir, 'tokenizer_config.json'));
    padId = BigInt(tokenizer.tokenToId(typeof padToken === 'string' ? padToken : padToken.content) ?? 0);
    tokenize = async (texts) => (await tokenizer.encodeBatch(texts)).map((encoding) => encoding.getIds());
  }
  const { model_max_length: maxLength } = readJson(path.join(modelDir, 'tokenizer_config.json'));
  return async (texts) => {
    const rows = (await tokenize(texts)).map((row) => row.slice(0, maxLength));
    const columns = Math.max(...rows.map((row) => row.length));
    const ids = new BigInt64Array(rows.length * columns).fill(padId);
    const mask = new BigInt64Array(rows.length * columns);
    rows.forEach((row, index) =>
      row.forEach((id, column) => {
        ids[index * columns + column] = BigInt(id);
        mask[index * columns + column] = 1n;
      }),
    );
    const dims = [rows.length, columns];
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
    };
    if (session.inputNames.includes('token_type_ids'))
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(ids.length), dims);
    const hidden = (await session.run(feeds)).last_hidden_state;
    return { ids: rows.map((row) => row.map(Number)), vectors: meanPool(hidden.dims, hidden.data, mask) };
  };
}

/** One option in this process: the figures, and the vectors and ids of the 50 questions. */
async function probe(mode, arena, modelDir, hf4, outFile) {
  const questions = readJson(path.join(ROOT, 'src/core/evaluation/questions.json')).map(
    (entry) => `query: ${entry.question}`,
  );
  const paragraphs = readFileSync(path.join(ROOT, 'corpus/wang-weijia-deepseek-wall-street.txt'), 'utf8')
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim().length > 20)
    .map((paragraph) => `passage: ${paragraph}`);
  const started = performance.now();
  const embed = await load(mode, arena, modelDir, hf4);
  await embed(['probe']);
  const result = { loadMs: performance.now() - started, rssLoaded: rssMiB(), vectors: [], ids: [] };
  const latencies = [];
  for (let index = 0; index < 50; index++) {
    const questionStarted = performance.now();
    const { ids, vectors } = await embed([questions[index % questions.length]]);
    latencies.push(performance.now() - questionStarted);
    result.vectors.push(Array.from(vectors));
    result.ids.push(ids[0]);
  }
  result.rssQuestions = rssMiB();
  result.latencyP50 = median(latencies);
  for (let pass = 0; pass < 4; pass++)
    await embed(Array.from({ length: 16 }, (_, index) => questions[(pass * 16 + index + 7) % questions.length]));
  result.rssBurst = rssMiB();
  for (let index = 0; index < paragraphs.length; index += 16) await embed(paragraphs.slice(index, index + 16));
  result.rssIndexed = rssMiB();
  writeFileSync(outFile, JSON.stringify(result));
}

function compare(reference, other) {
  let minCosine = 1;
  other.vectors.forEach((vector, row) => {
    const cosine = vector.reduce((sum, value, index) => sum + value * reference.vectors[row][index], 0);
    minCosine = Math.min(minCosine, cosine);
  });
  const equalIds = other.ids.filter((ids, row) => JSON.stringify(ids) === JSON.stringify(reference.ids[row])).length;
  return { minCosine, equalIds };
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--probe') return probe(args[1], args[2] === 'true', args[3], args[4], args[5]);
  const hf4Flag = args.indexOf('--hf4');
  const hf4 = hf4Flag === -1 ? undefined : path.resolve(args.splice(hf4Flag, 2)[1]);
  const [modelDir, roundsText = '7'] = args;
  if (!modelDir) throw new Error('usage: node bench/runtime-options.mjs MODEL_DIR [ROUNDS] [--hf4 PATH]');
  const options = OPTIONS.filter((option) => !option.optional || hf4);
  const results = options.map(() => []);
  for (let round = 0; round < Number(roundsText); round++) {
    const order = options.map((_, index) => index);
    if (round % 2) order.reverse();
    for (const index of order) {
      const { mode, arena, name } = options[index];
      const out = path.join(os.tmpdir(), `runtime-option-${process.pid}-${index}.json`);
      execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--probe', mode, String(arena), path.resolve(modelDir), hf4 ?? '', out],
        {
          stdio: 'inherit',
        },
      );
      results[index].push(readJson(out));
      process.stderr.write(`round ${round + 1}: ${name}\n`);
    }
  }
  const rounds = results[0].length;
  const ratio = (index, key) => median(results[index].map((run, round) => run[key] / results[0][round][key]));
  const figure = (index, key) => median(results[index].map((run) => run[key]));
  console.log(
    `| option (${rounds} rounds, medians) | RSS loaded | after 50 questions | after burst | after indexing | load | question p50 | RSS ÷ before | latency ÷ before | load ÷ before | min cosine | equal ids |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  options.forEach((option, index) => {
    const { minCosine, equalIds } = compare(results[0][0], results[index][0]);
    console.log(
      `| ${option.name} | ${figure(index, 'rssLoaded').toFixed(0)} MiB | ${figure(index, 'rssQuestions').toFixed(0)} MiB | ` +
        `${figure(index, 'rssBurst').toFixed(0)} MiB | ${figure(index, 'rssIndexed').toFixed(0)} MiB | ${(figure(index, 'loadMs') / 1000).toFixed(2)} s | ` +
        `${figure(index, 'latencyP50').toFixed(2)} ms | ${ratio(index, 'rssQuestions').toFixed(2)}× | ${ratio(index, 'latencyP50').toFixed(2)}× | ` +
        `${ratio(index, 'loadMs').toFixed(2)}× | ${minCosine.toFixed(6)} | ${equalIds}/50 |`,
    );
  });
}

await main();
