import type { BenchContext } from '../lib/context.js';
import {
  BEFORE,
  BURST_QUESTIONS,
  measureFootprint,
  medianRun,
  SEQUENTIAL_QUESTIONS,
  TARGET_AFTER_BURST_MIB,
  TARGET_AFTER_QUESTIONS_MIB,
  toMiB,
  total,
} from '../lib/footprint.js';
import type { Target } from '../lib/section.js';
import { verdict } from '../lib/section.js';
import { met, mib, ms, ratio, seconds, type Table } from '../lib/table.js';

/** The figures the memory part of the startup section gives the page. */
export const MEMORY_FIGURES = [
  'memoryRounds',
  'footprintTotal',
  'footprintBot',
  'footprintModel',
  'footprintBurst',
  'footprintStartup',
  'footprintVerdict',
  'burstVerdict',
  'rebuildModelPeak',
  'burstModelPeak',
  'readyCompiled',
  'readyTsx',
  'readyRatio',
  'firstLogCompiled',
  'firstLogTsx',
  'botRssCompiled',
  'botRssTsx',
  'nodeBaseline',
  'partDiscord',
  'partBotModules',
  'partOpencc',
  'partJieba',
  'partWordRanks',
  'partSession',
  'partSessionWhole',
  'partBotTexts',
  'partCedict',
  'beforeCommit',
  'beforeTotal',
  'beforeBot',
  'beforeModel',
  'beforeBurst',
  'partTokenizer',
  'partTokenizersTokenizer',
  'partXenovaTokenizer',
] as const;
export type MemoryFigure = (typeof MEMORY_FIGURES)[number];

/** What bench-results.json carries as `footprint` (MiB, the compiled bot, median of the rounds). */
export interface Footprint {
  /** Bot process + model process after start-up and 50 questions. */
  totalRssMiB: number;
  botRssMiB: number;
  modelRssMiB: number;
  /** Both processes after a further burst of 64 concurrent questions. */
  afterBurstRssMiB: number;
}

export async function measureMemory(context: BenchContext): Promise<{
  tables: Table[];
  figures: Record<MemoryFigure, string>;
  targets: Target[];
  footprint: Footprint;
  data: Record<string, unknown>;
}> {
  const measured = await measureFootprint(context);
  const compiled = medianRun(measured.compiled);
  const tsx = medianRun(measured.tsx);
  const afterQuestions = total(compiled.afterQuestions);
  const afterBurst = total(compiled.afterBurst);
  const questionsMet = afterQuestions <= TARGET_AFTER_QUESTIONS_MIB * 1024 * 1024;
  const burstMet = afterBurst <= TARGET_AFTER_BURST_MIB * 1024 * 1024;
  const footprint: Footprint = {
    totalRssMiB: toMiB(afterQuestions),
    botRssMiB: toMiB(compiled.afterQuestions.bot.rss),
    modelRssMiB: toMiB(compiled.afterQuestions.model.rss),
    afterBurstRssMiB: toMiB(afterBurst),
  };
  const row = (
    label: string,
    memory: typeof compiled.startup,
    before: { bot: number; model: number } | undefined,
    target: string,
    ok?: boolean,
  ) => [
    label,
    mib(memory.bot.rss),
    mib(memory.model.rss),
    mib(memory.bot.rss + memory.model.rss),
    before ? mib(before.bot + before.model) : '',
    target,
    ok === undefined ? '' : met(ok),
  ];
  const footprintTable: Table = {
    title: `Resident memory of the compiled bot (npm start) and its model process, against a loopback Discord with a persisted index (median of ${measured.rounds})`,
    columns: [
      'after',
      'bot process',
      'model process',
      'together',
      `together before (${BEFORE.commit})`,
      'target',
      'verdict',
    ],
    rows: [
      row('start-up', compiled.startup, BEFORE.footprint.startup, ''),
      row(
        `start-up and ${SEQUENTIAL_QUESTIONS} questions, one at a time`,
        compiled.afterQuestions,
        BEFORE.footprint.afterQuestions,
        `≤ ${TARGET_AFTER_QUESTIONS_MIB} MiB`,
        questionsMet,
      ),
      row(
        `then a burst of ${BURST_QUESTIONS} at once`,
        compiled.afterBurst,
        BEFORE.footprint.afterBurst,
        `≤ ${TARGET_AFTER_BURST_MIB} MiB`,
        burstMet,
      ),
      [
        'the most at any moment (VmHWM), same runs',
        mib(compiled.afterBurst.bot.peak),
        mib(compiled.afterBurst.model.peak),
        '',
        '',
        '',
        '',
      ],
      [
        'first start, building the index (its peak)',
        mib(measured.rebuild.startup.bot.peak),
        mib(measured.rebuild.startup.model.peak),
        '',
        '',
        '',
        '',
      ],
    ],
    notes: [
      `/ask through the fake Discord's gateway and REST API, a user per question; the burst took ${seconds(compiled.burstMs)}. RSS is VmRSS from /proc.`,
    ],
  };
  const before = (bytes: number | undefined) => (bytes === undefined ? '–' : mib(bytes));
  const partsTable: Table = {
    title: `Where the memory goes, part by part: RSS added after a full GC, compiled build (median of ${measured.rounds}), against ${BEFORE.commit}, where this round started`,
    columns: ['process', 'part', `before (${BEFORE.commit})`, 'this run'],
    rows: [
      ['both', 'Node.js itself (an empty process)', before(BEFORE.nodeBaseline), mib(measured.nodeBaseline)],
      ...measured.parts.map((part) => [part.process, part.what, before(BEFORE.parts[part.part]), mib(part.bytes)]),
    ],
    notes: [
      "The bot's parts are loaded one after another into one process, in the order of the table (the order the bot loads them), with npm start's Node options, each measured by what it adds: with Node they make up the bot's process before it connects. The others are each loaded alone into a fresh process.",
      `The "before" column: bench/footprint-before.json, the same probe run on a build of ${BEFORE.commit} (without Node options, which npm start did not have then); – where that part was not measured then.`,
    ],
  };
  const startupTable: Table = {
    title: `Start-up with a persisted index: compiled (npm start) against tsx on the sources (npm run dev), alternating (median of ${measured.rounds})`,
    columns: ['how', 'first log line', 'ready to answer', 'bot process RSS (with its helpers)', 'model process RSS'],
    rows: [
      [
        'node dist/bot/main.js',
        ms(compiled.firstLogMs),
        seconds(compiled.readyMs),
        mib(compiled.startup.bot.rss),
        mib(compiled.startup.model.rss),
      ],
      [
        'tsx src/bot/main.ts',
        ms(tsx.firstLogMs),
        seconds(tsx.readyMs),
        mib(tsx.startup.bot.rss),
        mib(tsx.startup.model.rss),
      ],
      [
        'compiled ÷ tsx',
        ratio(compiled.firstLogMs / tsx.firstLogMs),
        ratio(compiled.readyMs / tsx.readyMs),
        ratio(compiled.startup.bot.rss / tsx.startup.bot.rss),
        '',
      ],
    ],
    notes: ["Under tsx the bot's figure includes tsx's launcher process and esbuild's service, which run beside it."],
  };
  const part = (name: string) => mib(measured.parts.find((entry) => entry.part === name)?.bytes ?? 0);
  const figures: Record<MemoryFigure, string> = {
    memoryRounds: String(measured.rounds),
    footprintTotal: mib(afterQuestions),
    footprintBot: mib(compiled.afterQuestions.bot.rss),
    footprintModel: mib(compiled.afterQuestions.model.rss),
    footprintBurst: mib(afterBurst),
    footprintStartup: mib(total(compiled.startup)),
    footprintVerdict: verdict(questionsMet),
    burstVerdict: verdict(burstMet),
    rebuildModelPeak: mib(measured.rebuild.startup.model.peak),
    burstModelPeak: mib(compiled.afterBurst.model.peak),
    readyCompiled: seconds(compiled.readyMs),
    readyTsx: seconds(tsx.readyMs),
    readyRatio: ratio(compiled.readyMs / tsx.readyMs),
    firstLogCompiled: ms(compiled.firstLogMs),
    firstLogTsx: ms(tsx.firstLogMs),
    botRssCompiled: mib(compiled.startup.bot.rss),
    botRssTsx: mib(tsx.startup.bot.rss),
    nodeBaseline: mib(measured.nodeBaseline),
    partDiscord: part('discord.js'),
    partBotModules: part('bot modules'),
    partOpencc: part('opencc'),
    partJieba: part('jieba'),
    partWordRanks: part('word-ranks'),
    partSession: part('onnxruntime session'),
    partSessionWhole: part('onnxruntime session (whole file)'),
    partBotTexts: part('bot texts'),
    partCedict: part('cc-cedict'),
    beforeCommit: BEFORE.commit,
    beforeTotal: mib(BEFORE.footprint.afterQuestions.bot + BEFORE.footprint.afterQuestions.model),
    beforeBot: mib(BEFORE.footprint.afterQuestions.bot),
    beforeModel: mib(BEFORE.footprint.afterQuestions.model),
    beforeBurst: mib(BEFORE.footprint.afterBurst.bot + BEFORE.footprint.afterBurst.model),
    partTokenizer: part('tokenizer'),
    partTokenizersTokenizer: part('tokenizers tokenizer'),
    partXenovaTokenizer: part('transformers.js tokenizer'),
  };
  const targets: Target[] = [
    {
      section: 'startup',
      name: `bot + model RSS after start-up and ${SEQUENTIAL_QUESTIONS} questions`,
      target: `≤ ${TARGET_AFTER_QUESTIONS_MIB} MiB`,
      value: mib(afterQuestions),
      met: questionsMet,
    },
    {
      section: 'startup',
      name: `bot + model RSS after a burst of ${BURST_QUESTIONS}`,
      target: `≤ ${TARGET_AFTER_BURST_MIB} MiB`,
      value: mib(afterBurst),
      met: burstMet,
    },
  ];
  return {
    tables: [footprintTable, partsTable, startupTable],
    figures,
    targets,
    footprint,
    data: { footprint, compiled, tsx, measured },
  };
}
