import { LANGUAGE_GROUPS, type EvaluationReport, type Part, type Tally } from '../core/evaluation/evaluate.js';
import { recallAt } from '../core/evaluation/metrics.js';
import { RANKERS } from '../core/evaluation/questions.js';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const ratio = ({ count, questions }: Tally) =>
  questions === 0 ? '–' : `${count}/${questions} (${percent(count / questions)})`;

const PART_TITLES: Record<Part, string> = {
  tuning: 'Tuning half (the decision constants were set on these questions)',
  'held-out': 'Held-out half (never used to set anything)',
  all: 'All questions',
};

/** The report as Markdown tables, for the terminal and docs/retrieval.md: one section per half of the set. */
export function formatReport(report: EvaluationReport): string {
  const lines = [`Model: ${report.model}`];
  if (report.bar) {
    const { bar } = report;
    lines.push(
      `Dense bar: ${bar.bar.toFixed(4)} (${bar.source === 'MIN_SCORE' ? 'MIN_SCORE' : `calibrated on ${bar.probes} off-topic probes`}), ` +
        `unit of dense evidence ${bar.spread.toFixed(4)}.`,
    );
  }
  lines.push(
    `Questions: ${report.questions}; recall@k counts a question when a gold paragraph is in the top k; MRR over the top ${report.depth}.`,
  );
  const parts = (['tuning', 'held-out', 'all'] as const).filter((part) => report.parts[part]);
  for (const part of parts) {
    const section = report.parts[part]!;
    lines.push(
      '',
      `### ${PART_TITLES[part]}: ${section.questions} questions`,
      '',
      '| language | kind | questions | answered | partial | declined | gold quoted |',
      '|---|---|---:|---:|---:|---:|---:|',
    );
    for (const group of LANGUAGE_GROUPS) {
      const decision = section.decision[group];
      for (const [kind, outcomes] of [
        ['answerable', decision.answerable],
        ['near-topic', decision.nearTopic],
        ['off-topic', decision.offTopic],
      ] as const) {
        if (outcomes.questions === 0) continue;
        const share = (count: number) => ratio({ count, questions: outcomes.questions });
        const gold = 'goldQuoted' in outcomes ? share(outcomes.goldQuoted) : '–';
        lines.push(
          `| ${group} | ${kind} | ${outcomes.questions} | ${share(outcomes.answered)} | ${share(outcomes.partial)} | ${share(outcomes.declined)} | ${gold} |`,
        );
      }
    }
    lines.push(
      '',
      '| ranker | recall@1 (zh) | recall@3 (zh) | MRR (zh) | recall@1 (en) | recall@3 (en) | MRR (en) |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const mode of RANKERS) {
      const zh = section.ranking[mode].zh;
      const en = section.ranking[mode].en;
      lines.push(
        `| ${mode} | ${percent(zh.recallAt1)} | ${percent(zh.recallAt3)} | ${zh.mrr.toFixed(3)} | ${percent(en.recallAt1)} | ${percent(en.recallAt3)} | ${en.mrr.toFixed(3)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Questions the hybrid ranker misses in its top 3, and wrong decisions: what to look at next. */
export function formatMisses(report: EvaluationReport): string {
  const lines: string[] = [];
  for (const outcome of report.outcomes) {
    const hybrid = outcome.rankings.hybrid;
    const where = `${outcome.id} (${outcome.split ?? 'no split'})`;
    if (outcome.gold.length > 0 && recallAt(hybrid, outcome.gold, 3) === 0) {
      lines.push(
        `miss     ${where} ${outcome.question}  gold ${outcome.gold.join(',')}  hybrid ${hybrid.slice(0, 5).join(',')}`,
      );
    }
    const missing = outcome.missing.length > 0 ? `  missing ${outcome.missing.join(', ')}` : '';
    if (outcome.gold.length === 0 && outcome.outcome !== 'declined')
      lines.push(
        `${outcome.outcome.padEnd(8)} ${where} [${outcome.scope}] ${outcome.question}  → ${outcome.answer.join(',')}${missing}`,
      );
    if (outcome.gold.length > 0 && outcome.outcome !== 'answered')
      lines.push(`${outcome.outcome.padEnd(8)} ${where} ${outcome.question}  → ${outcome.answer.join(',')}${missing}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
