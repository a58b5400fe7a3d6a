import { readConfig } from '../config/config.js';
import { evaluate } from '../core/evaluation/evaluate.js';
import { DEFAULT_QUESTIONS_FILE, loadQuestions } from '../core/evaluation/questions.js';
import { configuredLogger } from '../startup/configured-logger.js';
import { openKnowledgeBase } from '../startup/open-knowledge-base.js';
import { runProgram } from '../startup/run-program.js';
import { formatMisses, formatReport } from './eval-report.js';
import { progressPrinter } from './progress.js';
import { parseCommandLine } from './command-line.js';

const USAGE = `Usage: npm run eval -- [--json] [--misses] [--questions FILE]

Measures retrieval on a question set with gold paragraphs, with the model that
EMBEDDING_MODEL names: recall@1, recall@3 and MRR per language and per ranker
(dense, lexical, hybrid), and how often ask() declines unanswerable questions
and wrongly declines answerable ones, for the tuning half, the held-out half
and all questions.
  --json           print the full report (with per-question rankings) as JSON
  --misses         also list hybrid top-3 misses and wrong answer/decline decisions
  --questions FILE the question set (default: the project's own, src/core/evaluation/questions.json)`;

runProgram(async () => {
  const commandLine = parseCommandLine(
    {
      options: {
        json: { type: 'boolean', default: false },
        misses: { type: 'boolean', default: false },
        questions: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const { values } = commandLine.parsed;
  const questions = await loadQuestions(values.questions ?? DEFAULT_QUESTIONS_FILE);

  const config = readConfig();
  const logger = configuredLogger(config);
  const knowledgeBase = await openKnowledgeBase(config, logger, progressPrinter());
  try {
    const report = await evaluate(knowledgeBase, questions, {
      model: knowledgeBase.embedder.info.id,
      bar: knowledgeBase.bar,
    });
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      process.stdout.write(formatReport(report));
      if (values.misses) process.stdout.write(`\n${formatMisses(report)}`);
    }
    return 0;
  } finally {
    await knowledgeBase.close();
  }
});
