/**
 * Builds the random-weight multilingual-e5-small stand-in (bench/e5-shape-model.ts) in a temp dir,
 * loads it through transformers.js exactly like the app does, and reports dims, token counts,
 * generation time, file size and forward-pass latency.
 *
 *   npx tsx bench/check-e5-shape-model.ts            # dynamic-int8 (like the real model_quantized.onnx)
 *   npx tsx bench/check-e5-shape-model.ts --both     # also the float32-MatMul variant, for comparison
 *   npx tsx bench/check-e5-shape-model.ts --keep     # keep the temp dir
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { env, pipeline } from '@xenova/transformers';
import ort from 'onnxruntime-node'; // the runtime transformers.js uses under Node (transitive dependency)
import { createE5ShapeModel } from './e5-shape-model.js';

const QUERY_TEXT =
  'query: 英伟达市值一天蒸发了多少?这次暴跌的主要原因是什么,对整个半导体行业和人工智能芯片供应链会产生怎样的长期影响?';
const PARAGRAPH_SOURCE =
  '周一美股收盘,英伟达股价暴跌近百分之十七,市值单日蒸发约五千九百亿美元,创下美国股市历史上单一公司最大单日市值损失纪录。' +
  '市场普遍认为,这次抛售的导火索是中国人工智能初创公司深度求索发布的新模型,该模型声称以远低于同行的训练成本达到了接近顶尖水平的性能,' +
  '令投资者开始怀疑科技巨头在数据中心和图形处理器上的巨额资本开支是否真的必要。分析师指出,如果更高效的算法能够大幅降低算力需求,' +
  '那么过去两年推动英伟达业绩高速增长的逻辑就可能受到挑战。不过也有观点认为,训练成本下降反而会刺激更多企业部署人工智能应用,' +
  '从长期来看总体算力需求仍将持续上升。受此影响,博通、台积电、美光等半导体股同步走低,纳斯达克指数当日下跌超过百分之三,' +
  '而部分公用事业和能源公司的股价也因市场对数据中心用电需求的预期下调而承压。';
const LONG_PARAGRAPH = Array.from(PARAGRAPH_SOURCE.repeat(2)).slice(0, 300).join('');

const args = new Set(process.argv.slice(2));
const RUNS = 10;

interface Timing {
  mean: number;
  median: number;
  min: number;
}

/** mean / median / min over `runs` calls after two warm-up calls (median+min help on a shared, noisy box). */
async function timeIt(fn: () => Promise<unknown>, runs = RUNS): Promise<Timing> {
  await fn(); // warm-up
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  const mid = Math.floor(ts.length / 2);
  return {
    mean: ts.reduce((a, b) => a + b, 0) / ts.length,
    median: ts.length % 2 ? ts[mid]! : (ts[mid - 1]! + ts[mid]!) / 2,
    min: ts[0]!,
  };
}

const fmt = (t: Timing) => `${t.mean.toFixed(1)} ms (median ${t.median.toFixed(1)}, min ${t.min.toFixed(1)})`;

function toFeeds(enc: {
  input_ids: { data: unknown; dims: number[] };
  attention_mask: { data: unknown; dims: number[] };
}) {
  return {
    input_ids: new ort.Tensor('int64', enc.input_ids.data as BigInt64Array, enc.input_ids.dims),
    attention_mask: new ort.Tensor('int64', enc.attention_mask.data as BigInt64Array, enc.attention_mask.dims),
  };
}

async function checkVariant(root: string, matmul: 'dynamic-int8' | 'float32'): Promise<void> {
  const dir = path.join(root, `e5-shape-${matmul}`);
  console.log(`\n=== variant: ${matmul} ===`);
  const t0 = performance.now();
  await createE5ShapeModel(dir, { matmul });
  const genMs = performance.now() - t0;
  const onnxPath = path.join(dir, 'onnx', 'model_quantized.onnx');
  const size = (await stat(onnxPath)).size;
  const tokSize = (await stat(path.join(dir, 'tokenizer.json'))).size;
  console.log(`generation: ${(genMs / 1000).toFixed(2)} s`);
  console.log(
    `onnx/model_quantized.onnx: ${(size / 1e6).toFixed(1)} MB; tokenizer.json: ${(tokSize / 1e6).toFixed(1)} MB`,
  );

  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.dirname(dir) + '/';

  const warnings: string[] = [];
  const origWarn = console.warn;
  console.warn = (...a: unknown[]) => {
    warnings.push(a.map(String).join(' '));
    origWarn(...a);
  };
  try {
    const tl = performance.now();
    const extractor = await pipeline('feature-extraction', path.basename(dir), { quantized: true });
    console.log(`pipeline load: ${((performance.now() - tl) / 1000).toFixed(2)} s`);

    const out = await extractor([QUERY_TEXT, 'passage: ' + LONG_PARAGRAPH], { pooling: 'mean', normalize: true });
    const data = out.data as Float32Array;
    const norms = [0, 1].map((r) => Math.hypot(...data.subarray(r * 384, (r + 1) * 384)));
    console.log(
      `dims: ${JSON.stringify(out.dims)} (expected [2,384]); row norms ${norms.map((n) => n.toFixed(4)).join(', ')}; finite: ${data.every(Number.isFinite)}`,
    );
    if (JSON.stringify(out.dims) !== '[2,384]' || !data.every(Number.isFinite)) throw new Error('bad output');

    const tok = extractor.tokenizer;
    const paraIds = tok.encode(LONG_PARAGRAPH);
    const queryIds = tok.encode(QUERY_TEXT);
    const passageIds = tok.encode('passage: ' + LONG_PARAGRAPH);
    console.log(
      `paragraph: ${Array.from(LONG_PARAGRAPH).length} chars -> ${paraIds.length} tokens (incl. <s></s>); unk: ${paraIds.filter((i) => i === 3).length}`,
    );
    console.log(
      `query: ${Array.from(QUERY_TEXT).length} chars -> ${queryIds.length} tokens; passage -> ${passageIds.length} tokens`,
    );
    console.log(`query tokens: ${JSON.stringify(tok.model.convert_ids_to_tokens(queryIds.slice(0, 12)))} ...`);

    // 1) Full pipeline call (tokenize + forward + mean pool + normalize), default ORT threading.
    const pipeQ = await timeIt(() => extractor(QUERY_TEXT, { pooling: 'mean', normalize: true }));
    const pipeP = await timeIt(() => extractor('passage: ' + LONG_PARAGRAPH, { pooling: 'mean', normalize: true }));
    // 2) Model forward only, same session.
    const encQ = tok(QUERY_TEXT, { padding: true, truncation: true });
    const encP = tok('passage: ' + LONG_PARAGRAPH, { padding: true, truncation: true });
    const tokQ = await timeIt(async () => tok(QUERY_TEXT, { padding: true, truncation: true }));
    const tokP = await timeIt(async () => tok('passage: ' + LONG_PARAGRAPH, { padding: true, truncation: true }));
    const fwdQ = await timeIt(() => extractor.model(encQ));
    const fwdP = await timeIt(() => extractor.model(encP));
    console.log(
      `mean of ${RUNS} after warm-up; query = ${queryIds.length} tokens, passage = ${passageIds.length} tokens`,
    );
    console.log(`pipeline call (tokenize+forward+pool), default ORT threads (${os.cpus().length} cpus):`);
    console.log(`  query   ${fmt(pipeQ)}\n  passage ${fmt(pipeP)}`);
    console.log('tokenize only (transformers.js Unigram, 250k pieces):');
    console.log(`  query   ${fmt(tokQ)}\n  passage ${fmt(tokP)}`);
    console.log('forward only, default ORT threads:');
    console.log(`  query   ${fmt(fwdQ)}\n  passage ${fmt(fwdP)}`);

    // 3) Same file, raw onnxruntime-node session pinned to ONE thread (the reference figure is per core).
    const sess1 = await ort.InferenceSession.create(onnxPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    console.log(`session inputs: ${JSON.stringify(sess1.inputNames)} outputs: ${JSON.stringify(sess1.outputNames)}`);
    const feedsQ = toFeeds(encQ);
    const feedsP = toFeeds(encP);
    const oneQ = await timeIt(() => sess1.run(feedsQ));
    const oneP = await timeIt(() => sess1.run(feedsP));
    console.log('forward only, raw onnxruntime-node session, intraOpNumThreads=1:');
    console.log(`  query   ${fmt(oneQ)}\n  passage ${fmt(oneP)}`);
    await extractor.dispose();
  } finally {
    console.warn = origWarn;
  }
  if (warnings.length) throw new Error(`transformers.js/onnxruntime warned: ${warnings.join(' | ')}`);
  console.log('no warnings');
}

const root = await mkdtemp(path.join(os.tmpdir(), 'e5-shape-'));
try {
  await checkVariant(root, 'dynamic-int8');
  if (args.has('--both')) await checkVariant(root, 'float32');
} finally {
  if (args.has('--keep')) console.log(`kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}
