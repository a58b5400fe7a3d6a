import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readConfig } from '../config.js';
import { evaluate, formatMisses, formatReport, loadQuestions } from '../core/evaluation.js';
import { MIN_LEXICAL_COVERAGE } from '../core/retrieval.js';
import { createLogger } from '../logger.js';
import { openKnowledgeBase } from '../setup.js';
import { progressPrinter, runCli } from './run-cli.js';

const DEFAULT_QUESTIONS = fileURLToPath(new URL('../../tests/eval/questions.json', import.meta.url));

const USAGE = `Usage: npm run eval -- [--json] [--misses] [--questions FILE]

Measures retrieval on a question set with gold paragraphs, with the model that
EMBEDDING_MODEL names: recall@1, recall@3 and MRR per language and per ranker
(dense, lexical, hybrid), and how often ask() declines unanswerable questions.
  --json           print the full report (with per-question rankings) as JSON
  --misses         also list hybrid top-3 misses and wrong answer/decline decisions
  --questions FILE the question set (default tests/eval/questions.json)`;

runCli(async () => {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        json: { type: 'boolean', default: false },
        misses: { type: 'boolean', default: false },
        questions: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const questions = await loadQuestions(values.questions ?? DEFAULT_QUESTIONS);

  const config = readConfig();
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: [config.discord.token] });
  const knowledgeBase = await openKnowledgeBase(config, logger, progressPrinter());
  try {
    const report = await evaluate(knowledgeBase, questions, { model: knowledgeBase.embedder.info.id });
    const bars = { threshold: knowledgeBase.relevanceThreshold, coverageThreshold: MIN_LEXICAL_COVERAGE };
    if (values.json) process.stdout.write(`${JSON.stringify({ ...report, ...bars })}\n`);
    else {
      process.stdout.write(formatReport(report));
      process.stdout.write(
        `ask() quotes a paragraph when its cosine reaches ${bars.threshold} (MIN_SCORE or the model's default) ` +
          `or it covers ${bars.coverageThreshold} of the question's words.\n`,
      );
      if (values.misses) process.stdout.write(formatMisses(report));
    }
    return 0;
  } finally {
    await knowledgeBase.close();
  }
});
