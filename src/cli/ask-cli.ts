import { readConfig } from '../config/config.js';
import { configuredLogger } from '../startup/configured-logger.js';
import { openKnowledgeBase } from '../startup/open-knowledge-base.js';
import { runProgram } from '../startup/run-program.js';
import { answerToJson, answerToText } from './format-answer.js';
import { progressPrinter } from './progress.js';
import { parseCommandLine } from './command-line.js';

const USAGE = `Usage: npm run ask -- [--json] [--k N] "<question>"

Answers a question from the article by quoting the most relevant paragraphs.
  --json   print exactly one JSON document on stdout (logs go to stderr)
  --k N    how many paragraphs to return (1–10, default TOP_K or 3)`;

runProgram(async () => {
  const commandLine = parseCommandLine(
    {
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        k: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const { values, positionals } = commandLine.parsed;
  const question = positionals.join(' ').trim();
  const k = values.k === undefined ? undefined : Number(values.k);
  if (!question || (k !== undefined && !(Number.isInteger(k) && k >= 1 && k <= 10))) {
    process.stderr.write(`${question ? '--k must be a whole number from 1 to 10' : 'Give a question.'}\n\n${USAGE}\n`);
    return 2;
  }

  const config = readConfig();
  const logger = configuredLogger(config);
  const knowledgeBase = await openKnowledgeBase(config, logger, progressPrinter());
  try {
    const answer = await knowledgeBase.ask(question, { k });
    const multipleDocuments = answer.manifest.corpus.documents.length > 1;
    process.stdout.write(
      values.json
        ? `${JSON.stringify(answerToJson(answer, knowledgeBase.manifest.corpus.documents))}\n`
        : answerToText(answer, { multipleDocuments }),
    );
    return 0;
  } finally {
    await knowledgeBase.close();
  }
});
