import { writeFile } from 'node:fs/promises';
import { renderQuestionsPerDay } from '../charts/questions-per-day.js';
import { readConfig } from '../config/config.js';
import { configuredLogger } from '../startup/configured-logger.js';
import { openQuestionLog } from '../startup/open-question-log.js';
import { runProgram } from '../startup/run-program.js';
import { statsToText } from './stats-text.js';
import { parseCommandLine } from './command-line.js';

const USAGE = `Usage: npm run stats -- [--days N] [--json] [--chart FILE]

The question log's report (DATA_DIR), as /stats shows it on Discord.
  --days N      the period, in days (1–3650, default 7)
  --json        print exactly one JSON document on stdout (logs go to stderr)
  --chart FILE  also write the chart of questions per day to FILE (PNG)`;

runProgram(async () => {
  const commandLine = parseCommandLine(
    {
      options: {
        days: { type: 'string', default: '7' },
        json: { type: 'boolean', default: false },
        chart: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const { values } = commandLine.parsed;
  const days = Number(values.days);
  if (!/^\d+$/.test(values.days) || days < 1 || days > 3650) {
    process.stderr.write(`--days must be a whole number from 1 to 3650\n\n${USAGE}\n`);
    return 2;
  }

  const config = readConfig();
  const questionLog = openQuestionLog(config, configuredLogger(config));
  try {
    await questionLog.start();
    const report = await questionLog.report(days);
    if (values.chart) {
      await writeFile(values.chart, await renderQuestionsPerDay(report.perDay));
      process.stderr.write(`Wrote the chart of questions per day to ${values.chart}.\n`);
    }
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : statsToText(report));
    return 0;
  } finally {
    await questionLog.close();
  }
});
