import { recallAt } from '../core/evaluation/metrics.js';
import { LANGUAGE_GROUPS, type EvaluationReport } from '../core/evaluation/evaluate.js';
import { RANKERS } from '../core/evaluation/questions.js';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The report as a plain-text table (Markdown-compatible), for the terminal and the README. */
export function formatReport(report: EvaluationReport): string {
  const groups = LANGUAGE_GROUPS;
  const lines = [
    `Model: ${report.model}`,
    `Questions: ${report.questions} (${report.decision.answerable} answerable, ${report.decision.unanswerable} unanswerable); MRR over the top ${report.depth}.`,
    '',
    '| ranker | language | questions | recall@1 | recall@3 | MRR |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const mode of RANKERS) {
    for (const group of groups) {
      const row = report.metrics[mode][group];
      lines.push(`| ${mode} | ${group} | ${row.questions} | ${percent(row.recallAt1)} | ${percent(row.recallAt3)} | ${row.mrr.toFixed(3)} |`);
    }
  }
  const { decision } = report;
  const byScope = Object.entries(report.declinedByScope)
    .map(([scope, { declined, questions }]) => `${scope} ${declined}/${questions}`)
    .join(', ');
  lines.push(
    '',
    `Declined (answered: false) on unanswerable questions: ${decision.declined}/${decision.unanswerable} (${percent(decision.declineRate)})` +
      (byScope ? ` — ${byScope}` : ''),
    `Falsely declined answerable questions: ${decision.falselyDeclined}/${decision.answerable} (${percent(decision.falseDeclineRate)})`,
  );
  return `${lines.join('\n')}\n`;
}

/** Questions the hybrid ranker misses in its top 3, and wrong decisions: what to look at next. */
export function formatMisses(report: EvaluationReport): string {
  const lines: string[] = [];
  for (const outcome of report.outcomes) {
    const hybrid = outcome.rankings.hybrid;
    if (outcome.gold.length > 0 && recallAt(hybrid, outcome.gold, 3) === 0) {
      lines.push(`miss  ${outcome.id} ${outcome.question}  gold ${outcome.gold.join(',')}  hybrid ${hybrid.slice(0, 5).join(',')}`);
    }
    if (outcome.gold.length === 0 && outcome.answered) lines.push(`answered ${outcome.id} ${outcome.question}  → ${outcome.answer.join(',')}`);
    if (outcome.gold.length > 0 && !outcome.answered) lines.push(`declined ${outcome.id} ${outcome.question}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
