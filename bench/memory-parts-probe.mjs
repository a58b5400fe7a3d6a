// What parts of the bot or of the model process cost in resident memory: a
// fresh `node --expose-gc` process loads the parts named (`a,b,c`) one after
// another (from the compiled build in dist/, as `npm start` runs it) and
// reports its RSS before and after each, after a full GC. Run by
// bench/lib/footprint.ts; reports over IPC.
// Plain JavaScript, so that no TypeScript loader is in the figures.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [part, distDir, modelDir] = process.argv.slice(2);
const dist = (file) => pathToFileURL(path.join(distDir, file)).href;

function rss() {
  globalThis.gc();
  globalThis.gc();
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
}

/** Each part: what loading it means, as the bot or the model process does it. */
const PARTS = {
  // The bot process.
  'discord.js': async () => {
    const { Client, GatewayIntentBits } = await import('discord.js');
    return new Client({ intents: [GatewayIntentBits.Guilds] });
  },
  pino: async () => (await import(dist('logger.js'))).createLogger({ level: 'info', format: 'json' }),
  opencc: async () => (await import(dist('core/corpus/normalize.js'))).normalizeText('英偉達的晶片'),
  'bot texts': async () => import(dist('bot/i18n.js')),
  // The segmenter alone, as lexical.ts loads it (its module would also bring OpenCC and the word ranks).
  jieba: async () => {
    const { Jieba } = await import('@node-rs/jieba');
    const require = createRequire(import.meta.url);
    const segmenter = Jieba.withDict(readFileSync(require.resolve('@node-rs/jieba/dict.txt')));
    segmenter.tag('英伟达的芯片', true);
    return segmenter;
  },
  'word-ranks': async () => (await import(dist('core/search/relevance/specificity.js'))).loadWordRanks(),
  'cc-cedict': async () => {
    const { CedictDictionary } = await import(dist('core/search/meaning/dictionary.js'));
    const dictionary = await CedictDictionary.open();
    for (const word of ['芯片', '股票', '创始人']) dictionary.synonyms(word);
    dictionary.translations('chip');
    return dictionary;
  },
  hnswlib: async () => import('hnswlib-node'),
  'prom-client': async () => {
    const { collectDefaultMetrics, Registry } = await import('prom-client');
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    return registry.metrics();
  },
  'bot modules': async () => import(dist('bot/bot.js')),
  // The model process.
  'onnxruntime-node': async () => import('onnxruntime-node'),
  // The weights file the model process loads: the memory-mapped copy (made here if missing, before
  // the measurement), so only the pages the session itself touches while loading are counted.
  'onnxruntime session': async () => {
    const ort = (await import('onnxruntime-node')).default;
    const { mappedWeightsFile } = await import(dist('core/embedding/mapped-weights.js'));
    const file = await mappedWeightsFile(path.join(modelDir, 'onnx', 'model_quantized.onnx'));
    const before = rss();
    globalThis.kept = await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      enableCpuMemArena: false,
    });
    return { before };
  },
  'onnxruntime session (whole file)': async () => {
    const ort = (await import('onnxruntime-node')).default;
    const before = rss();
    const session = await ort.InferenceSession.create(path.join(modelDir, 'onnx', 'model_quantized.onnx'), {
      executionProviders: ['cpu'],
      enableCpuMemArena: false,
    });
    globalThis.kept = session;
    return { before };
  },
  tokenizer: async () => {
    const { compactUnigram } = await import(dist('core/embedding/unigram-tokenizer.mjs'));
    const { Tokenizer } = await import('tokenizers');
    const before = rss();
    const file = path.join(modelDir, 'tokenizer.json');
    globalThis.kept = compactUnigram(file) ?? Tokenizer.fromFile(file);
    return { before };
  },
  'tokenizers tokenizer': async () => {
    const { Tokenizer } = await import('tokenizers');
    const before = rss();
    globalThis.kept = Tokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
    return { before };
  },
  'transformers.js tokenizer': async () => {
    const { AutoTokenizer, env } = await import('@xenova/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(modelDir) + path.sep;
    env.useFSCache = false;
    const before = rss();
    globalThis.kept = await AutoTokenizer.from_pretrained(path.basename(modelDir));
    return { before };
  },
};

// Several parts (a,b,c) are loaded one after another into this process, each measured by what it adds.
const node = rss();
const steps = [];
globalThis.keep = [];
for (const name of part.split(',')) {
  const before = rss();
  const result = await PARTS[name]();
  globalThis.keep.push(result);
  const after = rss();
  // A part that needs its library first (a session needs onnxruntime) measures from after that import.
  steps.push({ part: name, before: result?.before ?? before, after });
}
process.send({ steps, node }, () => process.exit(0));
