/**
 * Synthetic stand-in for `Xenova/multilingual-e5-small` (quantized) with RANDOM weights.
 *
 * It reproduces the *compute shape* of the real model so that latency benchmarks are
 * meaningful without downloading anything:
 *   - XLM-RoBERTa/BERT encoder, 12 layers, hidden 384, 12 heads, FFN 1536, 250 037-entry
 *     vocabulary, 514 position slots (512 usable tokens + XLM-R padding offset);
 *   - the same op pattern `torch.onnx.export` + onnxruntime `quantize_dynamic`
 *     (per_channel, reduce_range, QInt8 weights — the settings transformers.js' convert.py uses)
 *     produce: int8 embedding tables read by Gather + DequantizeLinear, and every MatMul with a
 *     constant weight replaced by DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul(scale);
 *     LayerNorm / GELU / attention are decomposed exactly like the torch export, so onnxruntime's
 *     graph optimizer applies the same fusions (LayerNormalization, Gelu, MatMulIntegerToFloat /
 *     DynamicQuantizeMatMul) it applies to the real file;
 *   - a SentencePiece-Unigram-style tokenizer.json with `vocabSize` pieces in which every CJK
 *     ideograph is a piece, so Chinese text costs about one token per character.
 *
 * The outputs are meaningless (random weights); only shapes, sizes and timings are realistic.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export interface E5ShapeModelOptions {
  /** Vocabulary size (word-embedding rows and tokenizer pieces). Default 250037 like multilingual-e5-small. */
  vocabSize?: number;
  /** Encoder layers. Default 12. */
  layers?: number;
  /** Hidden size. Default 384. */
  hidden?: number;
  /** Attention heads. Default 12. */
  heads?: number;
  /** FFN inner size. Default 1536. */
  intermediate?: number;
  /**
   * Maximum number of tokens (tokenizer `model_max_length`). Default 512.
   * As in XLM-R, the position table (and `config.max_position_embeddings`) has maxPositions + 2 rows.
   */
  maxPositions?: number;
  /** PRNG seed for the weights. Default 42. */
  seed?: number;
  /**
   * How the MatMuls with constant weights are stored.
   *  - 'dynamic-int8' (default): int8 per-channel weights + DynamicQuantizeLinear/MatMulInteger, as the real
   *    `model_quantized.onnx` does.
   *  - 'float32': plain float MatMul weights (the embedding tables stay int8 + DequantizeLinear either way).
   */
  matmul?: 'dynamic-int8' | 'float32';
}

type Dtype = 'float' | 'int8' | 'uint8' | 'int64';
const DT: Record<Dtype, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int8: onnx.TensorProto.DataType.INT8,
  int64: onnx.TensorProto.DataType.INT64,
};
const AT = onnx.AttributeProto.AttributeType;

type AttrValue = number | number[] | { float: number };

/** Seeded 32-bit PRNG (mulberry32). */
function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Standard deviation of the sum of the four bytes of a uniform uint32 (Irwin–Hall, n=4). */
const BYTE_SUM_STD = Math.sqrt((4 * (256 * 256 - 1)) / 12);

/**
 * Fills an Int8Array with approximately normal integers of standard deviation `std`
 * (sum of 4 uniform bytes — cheap: one PRNG call per element, no transcendental functions).
 */
function fillInt8Normal(out: Int8Array, std: number, rng: () => number): Int8Array {
  const f = std / BYTE_SUM_STD;
  for (let i = 0; i < out.length; i++) {
    const r = rng();
    const s = (r & 255) + ((r >>> 8) & 255) + ((r >>> 16) & 255) + (r >>> 24) - 510;
    const v = Math.round(s * f);
    out[i] = v > 127 ? 127 : v < -127 ? -127 : v;
  }
  return out;
}

/** Float32 normal(0, std) via Box–Muller. */
function floatNormal(n: number, std: number, rng: () => number, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = (rng() + 1) / 4294967297; // (0, 1)
    const u2 = rng() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = mean + r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = mean + r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

function bytesOf(a: Float32Array | Int8Array | Uint8Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;
  private readonly constCache = new Map<string, string>();

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  init(
    name: string,
    dtype: Dtype,
    dims: number[],
    data: Float32Array | Int8Array | Uint8Array | BigInt64Array,
  ): string {
    this.initializers.push({ name, dataType: DT[dtype], dims, rawData: bytesOf(data) });
    return name;
  }

  /** Shared scalar / small constant (deduplicated by value). */
  constF(values: number[], dims: number[] = []): string {
    const key = `f:${dims.join('x')}:${values.join(',')}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = this.init(this.fresh('const_f'), 'float', dims, Float32Array.from(values));
      this.constCache.set(key, name);
    }
    return name;
  }

  constI64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = this.init(this.fresh('const_i64'), 'int64', dims, BigInt64Array.from(values.map(BigInt)));
      this.constCache.set(key, name);
    }
    return name;
  }

  constI8(values: number[], dims: number[] = []): string {
    const key = `i8:${dims.join('x')}:${values.join(',')}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = this.init(this.fresh('const_i8'), 'int8', dims, Int8Array.from(values));
      this.constCache.set(key, name);
    }
    return name;
  }

  /** Adds a node; returns its output names. */
  op(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    nOutputs = 1,
    outputNames?: string[],
  ): string[] {
    const name = this.fresh(opType);
    const output = outputNames ?? Array.from({ length: nOutputs }, (_, i) => `${name}_out${i}`);
    const attribute: onnxProto.onnx.IAttributeProto[] = Object.entries(attrs).map(([k, v]) => {
      if (Array.isArray(v)) return { name: k, type: AT.INTS, ints: v };
      if (typeof v === 'number') return { name: k, type: AT.INT, i: v };
      return { name: k, type: AT.FLOAT, f: v.float };
    });
    this.nodes.push({ name, opType, input: inputs, output, attribute });
    return output;
  }

  op1(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    const out = this.op(opType, inputs, attrs, 1, outputName ? [outputName] : undefined)[0];
    if (out === undefined) throw new Error('unreachable');
    return out;
  }
}

/** multilingual-e5-small's shape: the generator's defaults. */
export const E5_SMALL_SHAPE: Required<E5ShapeModelOptions> = {
  vocabSize: 250037,
  layers: 12,
  hidden: 384,
  heads: 12,
  intermediate: 1536,
  maxPositions: 512,
  seed: 42,
  matmul: 'dynamic-int8',
};
const DEFAULTS = E5_SMALL_SHAPE;
const PAD_ID = 1;
const LN_EPS = 1e-12; // multilingual-e5-small config.layer_norm_eps
const WEIGHT_STD = 0.02;

interface BuildParams {
  vocabSize: number;
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  positions: number; // rows of the position table
  seed: number;
  matmul: 'dynamic-int8' | 'float32';
}

function buildModel(p: BuildParams): Uint8Array {
  const g = new GraphBuilder();
  const rng = makeRng(p.seed);
  const H = p.hidden;
  if (H % p.heads !== 0) throw new Error(`hidden (${H}) must be divisible by heads (${p.heads})`);
  const headDim = H / p.heads;

  // ---- helpers -------------------------------------------------------------------------------
  /** Symmetric per-tensor int8 table (std ~25 levels) + scale so that dequantized std ~= 0.02. */
  const int8Table = (name: string, rows: number): { q: string; scale: string; zp: string } => {
    const qStd = 25;
    const q = g.init(name + '_quantized', 'int8', [rows, H], fillInt8Normal(new Int8Array(rows * H), qStd, rng));
    const scale = g.init(name + '_scale', 'float', [], Float32Array.of(WEIGHT_STD / qStd));
    const zp = g.init(name + '_zero_point', 'int8', [], Int8Array.of(0));
    return { q, scale, zp };
  };

  const layerNorm = (x: string, prefix: string): string => {
    const gamma = g.init(prefix + '.weight', 'float', [H], floatNormal(H, WEIGHT_STD, rng, 1));
    const beta = g.init(prefix + '.bias', 'float', [H], floatNormal(H, WEIGHT_STD, rng));
    const mean = g.op1('ReduceMean', [x], { axes: [-1], keepdims: 1 });
    const d = g.op1('Sub', [x, mean]);
    const sq = g.op1('Pow', [d, g.constF([2])]);
    const variance = g.op1('ReduceMean', [sq], { axes: [-1], keepdims: 1 });
    const ve = g.op1('Add', [variance, g.constF([LN_EPS])]);
    const sd = g.op1('Sqrt', [ve]);
    const n = g.op1('Div', [d, sd]);
    const scaled = g.op1('Mul', [n, gamma]);
    return g.op1('Add', [scaled, beta]);
  };

  // DynamicQuantizeLinear outputs are shared by all MatMuls reading the same activation (as ORT does).
  const dqCache = new Map<string, [string, string, string]>();
  const linear = (x: string, inF: number, outF: number, prefix: string): string => {
    const bias = g.init(prefix + '.bias', 'float', [outF], floatNormal(outF, WEIGHT_STD, rng));
    let y: string;
    if (p.matmul === 'float32') {
      const w = g.init(prefix + '.weight', 'float', [inF, outF], floatNormal(inF * outF, WEIGHT_STD, rng));
      y = g.op1('MatMul', [x, w]);
    } else {
      // per_channel=True, reduce_range=True, QInt8: 7-bit symmetric weights, per-output-column scale, zp 0.
      const qStd = 16;
      const wq = g.init(
        prefix + '.weight_quantized',
        'int8',
        [inF, outF],
        fillInt8Normal(new Int8Array(inF * outF), qStd, rng),
      );
      const wScaleData = new Float32Array(outF);
      for (let i = 0; i < outF; i++) wScaleData[i] = (WEIGHT_STD / qStd) * (0.9 + (rng() / 4294967296) * 0.2);
      const wScale = g.init(prefix + '.weight_scale', 'float', [outF], wScaleData);
      const wZp = g.init(prefix + '.weight_zero_point', 'int8', [outF], new Int8Array(outF));
      let dq = dqCache.get(x);
      if (!dq) {
        const outs = g.op('DynamicQuantizeLinear', [x], {}, 3, [x + '_quantized', x + '_scale', x + '_zero_point']);
        dq = [outs[0]!, outs[1]!, outs[2]!];
        dqCache.set(x, dq);
      }
      const [xq, xScale, xZp] = dq;
      const mmi = g.op1('MatMulInteger', [xq, wq, xZp, wZp]);
      const cast = g.op1('Cast', [mmi], { to: DT.float });
      const scales = g.op1('Mul', [xScale, wScale]);
      y = g.op1('Mul', [cast, scales]);
    }
    return g.op1('Add', [y, bias]);
  };

  // ---- embeddings ------------------------------------------------------------------------------
  const word = int8Table('embeddings.word_embeddings.weight', p.vocabSize);
  const wordQ = g.op1('Gather', [word.q, 'input_ids'], { axis: 0 });
  const wordEmb = g.op1('DequantizeLinear', [wordQ, word.scale, word.zp]);

  // XLM-R create_position_ids_from_input_ids: cumsum(input_ids != pad) * mask + pad
  const isPad = g.op1('Equal', ['input_ids', g.constI64([PAD_ID], [])]);
  const notPad = g.op1('Not', [isPad]);
  const notPadI = g.op1('Cast', [notPad], { to: DT.int64 });
  const cums = g.op1('CumSum', [notPadI, g.constI64([1], [])]);
  const incr = g.op1('Mul', [cums, notPadI]);
  const posIds = g.op1('Add', [incr, g.constI64([PAD_ID], [])]);
  const pos = int8Table('embeddings.position_embeddings.weight', p.positions);
  const posQ = g.op1('Gather', [pos.q, posIds], { axis: 0 });
  const posEmb = g.op1('DequantizeLinear', [posQ, pos.scale, pos.zp]);

  // token_type_ids are always 0 for XLM-R (type_vocab_size 1): a constant row.
  const tokType = g.init('embeddings.token_type_embeddings.row0', 'float', [H], floatNormal(H, WEIGHT_STD, rng));
  const emb0 = g.op1('Add', [wordEmb, tokType]);
  const emb1 = g.op1('Add', [emb0, posEmb]);
  let hiddenState = layerNorm(emb1, 'embeddings.LayerNorm');

  // ---- extended attention mask: (1 - mask[:, None, None, :]) * -10000 ----------------------------
  const maskU = g.op1('Unsqueeze', ['attention_mask', g.constI64([1, 2])]);
  const maskF = g.op1('Cast', [maskU], { to: DT.float });
  const inv = g.op1('Sub', [g.constF([1]), maskF]);
  const addMask = g.op1('Mul', [inv, g.constF([-10000])]);

  const headsShape = g.constI64([0, 0, p.heads, headDim]);
  const mergedShape = g.constI64([0, 0, H]);
  const sqrtD = g.constF([Math.sqrt(headDim)]);

  for (let l = 0; l < p.layers; l++) {
    const pre = `encoder.layer.${l}`;
    const x = hiddenState;
    const q = linear(x, H, H, `${pre}.attention.self.query`);
    const k = linear(x, H, H, `${pre}.attention.self.key`);
    const v = linear(x, H, H, `${pre}.attention.self.value`);
    const qh = g.op1('Transpose', [g.op1('Reshape', [q, headsShape])], { perm: [0, 2, 1, 3] });
    const kt = g.op1('Transpose', [g.op1('Reshape', [k, headsShape])], { perm: [0, 2, 3, 1] });
    const vh = g.op1('Transpose', [g.op1('Reshape', [v, headsShape])], { perm: [0, 2, 1, 3] });
    const scores = g.op1('Div', [g.op1('MatMul', [qh, kt]), sqrtD]);
    const masked = g.op1('Add', [scores, addMask]);
    const probs = g.op1('Softmax', [masked], { axis: -1 });
    const ctx = g.op1('MatMul', [probs, vh]);
    const ctxT = g.op1('Transpose', [ctx], { perm: [0, 2, 1, 3] });
    const ctxM = g.op1('Reshape', [ctxT, mergedShape]);
    const attnOut = linear(ctxM, H, H, `${pre}.attention.output.dense`);
    const res1 = g.op1('Add', [attnOut, x]);
    const ln1 = layerNorm(res1, `${pre}.attention.output.LayerNorm`);

    const inter = linear(ln1, H, p.intermediate, `${pre}.intermediate.dense`);
    // GELU (erf form), exactly as torch exports nn.functional.gelu
    const erf = g.op1('Erf', [g.op1('Div', [inter, g.constF([Math.SQRT2])])]);
    const gelu = g.op1('Mul', [g.op1('Mul', [inter, g.op1('Add', [erf, g.constF([1])])]), g.constF([0.5])]);
    const out = linear(gelu, p.intermediate, H, `${pre}.output.dense`);
    const res2 = g.op1('Add', [out, ln1]);
    hiddenState = layerNorm(res2, `${pre}.output.LayerNorm`);
  }
  // Name the final tensor last_hidden_state.
  g.op1('Identity', [hiddenState], {}, 'last_hidden_state');

  const dyn = (elemType: number, last?: number): onnxProto.onnx.ITypeProto => ({
    tensorType: {
      elemType,
      shape: {
        dim: [
          { dimParam: 'batch_size' },
          { dimParam: 'sequence_length' },
          ...(last === undefined ? [] : [{ dimValue: last }]),
        ],
      },
    },
  });

  const model: onnxProto.onnx.IModelProto = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 14 }],
    producerName: 'onnx.quantize',
    producerVersion: '0.1.0',
    docString: 'Random-weight stand-in with the compute shape of intfloat/multilingual-e5-small (bench only).',
    graph: {
      name: 'main_graph',
      node: g.nodes,
      initializer: g.initializers,
      input: [
        { name: 'input_ids', type: dyn(DT.int64) },
        { name: 'attention_mask', type: dyn(DT.int64) },
      ],
      output: [{ name: 'last_hidden_state', type: dyn(DT.float, H) }],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

// ---- tokenizer -----------------------------------------------------------------------------------

const SPECIALS = ['<s>', '<pad>', '</s>', '<unk>'] as const;
const MASK = '<mask>';
const COMMON_WORDS = [
  'query',
  'passage',
  'the',
  'of',
  'and',
  'to',
  'in',
  'is',
  'a',
  'for',
  'on',
  'that',
  'with',
  'as',
  'it',
  'NVIDIA',
  'AI',
  'GPU',
  'Discord',
  'article',
];

/** XLM-R's post-processor as tokenizer.json writes it: `<s> A </s>`, and `<s> A </s></s> B </s>` for pairs. */
export const XLM_ROBERTA_POST_PROCESSOR = {
  type: 'TemplateProcessing',
  single: [
    { SpecialToken: { id: '<s>', type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '</s>', type_id: 0 } },
  ],
  pair: [
    { SpecialToken: { id: '<s>', type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '</s>', type_id: 0 } },
    { SpecialToken: { id: '</s>', type_id: 0 } },
    { Sequence: { id: 'B', type_id: 0 } },
    { SpecialToken: { id: '</s>', type_id: 0 } },
  ],
  special_tokens: {
    '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] },
    '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] },
  },
};

function buildTokenizerFiles(vocabSize: number, maxLength: number): { tokenizer: string; config: string } {
  const pieces: Array<[string, number]> = SPECIALS.map((s) => [s, 0]);
  const seen = new Set<string>(SPECIALS);
  const add = (piece: string, score: number) => {
    if (pieces.length >= vocabSize - 1 || seen.has(piece)) return;
    seen.add(piece);
    pieces.push([piece, score]);
  };
  add('▁', -3);
  // CJK unified ideographs: one piece per character.
  for (let c = 0x4e00; c <= 0x9fff; c++) add(String.fromCodePoint(c), -9);
  // Printable ASCII, CJK symbols & punctuation, full-width forms.
  for (let c = 0x21; c <= 0x7e; c++) add(String.fromCodePoint(c), -8);
  for (let c = 0x3000; c <= 0x303f; c++) add(String.fromCodePoint(c), -9);
  for (let c = 0xff01; c <= 0xff5e; c++) add(String.fromCodePoint(c), -9);
  for (const w of COMMON_WORDS) add('▁' + w, -6);
  // Filler pieces (never produced by normal text) up to vocabSize - 1.
  for (let i = 0; pieces.length < vocabSize - 1; i++) add(`▁tok${i}`, -20);
  const maskId = pieces.length;
  pieces.push([MASK, 0]);

  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: content === MASK,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...SPECIALS.map((s, i) => special(i, s)), special(maskId, MASK)],
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', add_prefix_space: true, prepend_scheme: 'always' },
    post_processor: XLM_ROBERTA_POST_PROCESSOR,
    decoder: { type: 'Metaspace', replacement: '▁', add_prefix_space: true, prepend_scheme: 'always' },
    model: { type: 'Unigram', unk_id: 3, vocab: pieces, byte_fallback: false },
  };
  const config = {
    bos_token: '<s>',
    cls_token: '<s>',
    eos_token: '</s>',
    sep_token: '</s>',
    unk_token: '<unk>',
    pad_token: '<pad>',
    mask_token: MASK,
    model_max_length: maxLength,
    clean_up_tokenization_spaces: true,
    tokenizer_class: 'XLMRobertaTokenizer',
  };
  return { tokenizer: JSON.stringify(tokenizer), config: JSON.stringify(config, null, 2) };
}

/**
 * Writes a transformers.js-loadable model directory (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model_quantized.onnx) with random weights and the shape of multilingual-e5-small.
 * Load it with `env.localModelPath = path.dirname(dir) + '/'` and `pipeline('feature-extraction',
 * path.basename(dir), { quantized: true })`. Returns the absolute directory path.
 */
export async function createE5ShapeModel(dir: string, options: E5ShapeModelOptions = {}): Promise<string> {
  const o = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as typeof DEFAULTS;
  const abs = path.resolve(dir);
  await mkdir(path.join(abs, 'onnx'), { recursive: true });

  const config = {
    _name_or_path: 'synthetic/multilingual-e5-small-shape',
    architectures: ['XLMRobertaModel'],
    model_type: 'xlm-roberta',
    attention_probs_dropout_prob: 0.1,
    bos_token_id: 0,
    eos_token_id: 2,
    pad_token_id: PAD_ID,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: o.hidden,
    initializer_range: WEIGHT_STD,
    intermediate_size: o.intermediate,
    layer_norm_eps: LN_EPS,
    max_position_embeddings: o.maxPositions + 2,
    num_attention_heads: o.heads,
    num_hidden_layers: o.layers,
    position_embedding_type: 'absolute',
    tokenizer_class: 'XLMRobertaTokenizer',
    type_vocab_size: 1,
    use_cache: true,
    vocab_size: o.vocabSize,
  };
  const tok = buildTokenizerFiles(o.vocabSize, o.maxPositions);
  const onnxBytes = buildModel({
    vocabSize: o.vocabSize,
    layers: o.layers,
    hidden: o.hidden,
    heads: o.heads,
    intermediate: o.intermediate,
    positions: o.maxPositions + 2,
    seed: o.seed,
    matmul: o.matmul,
  });
  await Promise.all([
    writeFile(path.join(abs, 'config.json'), JSON.stringify(config, null, 2)),
    writeFile(path.join(abs, 'tokenizer.json'), tok.tokenizer),
    writeFile(path.join(abs, 'tokenizer_config.json'), tok.config),
    writeFile(path.join(abs, 'onnx', 'model_quantized.onnx'), onnxBytes),
  ]);
  return abs;
}
