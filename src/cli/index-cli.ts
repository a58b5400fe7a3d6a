import { readConfig } from '../config/config.js';
import type { CalibrationExclusions } from '../core/search/relevance/calibration.js';
import { configuredLogger } from '../startup/configured-logger.js';
import { openKnowledgeBase } from '../startup/open-knowledge-base.js';
import { runProgram } from '../startup/run-program.js';
import { progressPrinter } from './progress.js';

const USAGE = `Usage: npm run index [-- --force]

Builds the index of the corpus (CORPUS_PATH) into INDEX_DIR, or confirms the
persisted one is up to date. --force rebuilds even when nothing changed.`;

function leftOut({ probes, windows, cosines }: CalibrationExclusions): string {
  if (probes + windows + cosines === 0) return 'nothing';
  return `${probes} probe vectors, ${windows} passage windows (not in the dense index), ${cosines} cosines`;
}

runProgram(async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--force');
  if (unknown.length > 0) {
    process.stderr.write(`Unknown argument: ${unknown.join(' ')}\n\n${USAGE}\n`);
    return 2;
  }
  const config = readConfig();
  const logger = configuredLogger(config);
  const progress = progressPrinter();
  const knowledgeBase = await openKnowledgeBase(config, logger, progress);
  try {
    let report = knowledgeBase.startReport;
    if (args.includes('--force') && report.action === 'loaded') report = await knowledgeBase.reindex(progress);
    const verb = report.action === 'loaded' ? 'Index is up to date' : 'Built the index';
    const { bar } = knowledgeBase;
    const calibration = knowledgeBase.manifest.calibration;
    const barSource =
      bar.source === 'MIN_SCORE'
        ? `set by MIN_SCORE; the calibrated bar is ${calibration.bar.toFixed(4)}`
        : `calibrated: the 98th percentile of ${calibration.probes} off-topic probes' best scores, whose median is ${calibration.distribution.median.toFixed(4)}`;
    process.stderr.write(
      `${verb}: ${report.passages} passages (${report.windows} windows: ${report.embedded} embedded now, ${report.reused} reused) ` +
        `with ${knowledgeBase.manifest.model.id} in ${config.indexDir} (${(report.durationMs / 1000).toFixed(1)} s).\n` +
        `Dense relevance bar: ${bar.bar.toFixed(4)} (${barSource}).\n` +
        `Left out of the calibration as unusable (not finite, or all zeros): ${leftOut(calibration.excluded)}.\n`,
    );
    return 0;
  } finally {
    await knowledgeBase.close();
  }
});
