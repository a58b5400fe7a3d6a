import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Answer } from './knowledge-base.js';
import type { RankedPassage, RankerMode } from './retrieval.js';

/**
 * Retrieval evaluation: a question set with gold paragraphs, and the metrics
 * computed from rankings. The metric functions are pure (paragraph numbers
 * in, numbers out) so tests can pin them; {@link evaluate} drives a knowledge
 * base through the question set.
 */

export const LANGUAGES = ['zh-Hans', 'zh-Hant', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const RANKERS: readonly RankerMode[] = ['dense', 'lexical', 'hybrid'];

export interface EvalQuestion {
  id: string;
  lang: Language;
  question: string;
  /** 1-based paragraph numbers that answer the question; empty when the article does not. */
  gold: number[];
  /** For unanswerable questions: unrelated to the article, or about its subject but not covered by it. */
  scope?: Scope;
}

export const SCOPES = ['off-topic', 'near-topic'] as const;
export type Scope = (typeof SCOPES)[number];

const questionSchema = z
  .object({
    id: z.string().min(1),
    lang: z.enum(LANGUAGES),
    question: z.string().trim().min(1),
    gold: z.array(z.number().int().positive()),
    scope: z.enum(SCOPES).optional(),
  })
  .refine((question) => question.scope === undefined || question.gold.length === 0, {
    message: 'only unanswerable questions (gold: []) have a scope',
  });

/** Validates a parsed question file: well-formed entries with unique ids. */
export function parseQuestions(data: unknown): EvalQuestion[] {
  const questions = z.array(questionSchema).min(1).parse(data);
  const seen = new Set<string>();
  for (const { id } of questions) {
    if (seen.has(id)) throw new Error(`duplicate question id ${id}`);
    seen.add(id);
  }
  return questions;
}

export async function loadQuestions(file: string): Promise<EvalQuestion[]> {
  return parseQuestions(JSON.parse(await readFile(file, 'utf8')));
}

/** 1-based position of the first gold paragraph in a ranking, or null when none is ranked. */
export function firstGoldRank(ranking: readonly number[], gold: readonly number[]): number | null {
  const index = ranking.findIndex((paragraph) => gold.includes(paragraph));
  return index === -1 ? null : index + 1;
}

/** 1 when a gold paragraph is among the first k (any of several gold paragraphs counts), else 0. */
export function recallAt(ranking: readonly number[], gold: readonly number[], k: number): number {
  const rank = firstGoldRank(ranking, gold);
  return rank !== null && rank <= k ? 1 : 0;
}

/** 1 / rank of the first gold paragraph; 0 when none is ranked. */
export function reciprocalRank(ranking: readonly number[], gold: readonly number[]): number {
  const rank = firstGoldRank(ranking, gold);
  return rank === null ? 0 : 1 / rank;
}

export interface RankingMetrics {
  questions: number;
  recallAt1: number;
  recallAt3: number;
  mrr: number;
}

/** Mean recall@1, recall@3 and MRR over answerable questions (those with gold); unanswerable ones are skipped. */
export function rankingMetrics(items: readonly { ranking: readonly number[]; gold: readonly number[] }[]): RankingMetrics {
  const answerable = items.filter((item) => item.gold.length > 0);
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
  return {
    questions: answerable.length,
    recallAt1: mean(answerable.map(({ ranking, gold }) => recallAt(ranking, gold, 1))),
    recallAt3: mean(answerable.map(({ ranking, gold }) => recallAt(ranking, gold, 3))),
    mrr: mean(answerable.map(({ ranking, gold }) => reciprocalRank(ranking, gold))),
  };
}

export interface DecisionMetrics {
  unanswerable: number;
  /** Unanswerable questions the core declined (`answered: false`). */
  declined: number;
  declineRate: number;
  answerable: number;
  /** Answerable questions the core wrongly declined. */
  falselyDeclined: number;
  falseDeclineRate: number;
}

/** How well the "answered" decision separates questions the article answers from those it does not. */
export function decisionMetrics(items: readonly { answered: boolean; gold: readonly number[] }[]): DecisionMetrics {
  const unanswerable = items.filter((item) => item.gold.length === 0);
  const answerable = items.filter((item) => item.gold.length > 0);
  const declined = unanswerable.filter((item) => !item.answered).length;
  const falselyDeclined = answerable.filter((item) => !item.answered).length;
  return {
    unanswerable: unanswerable.length,
    declined,
    declineRate: unanswerable.length === 0 ? 0 : declined / unanswerable.length,
    answerable: answerable.length,
    falselyDeclined,
    falseDeclineRate: answerable.length === 0 ? 0 : falselyDeclined / answerable.length,
  };
}

/** What the evaluation needs from a knowledge base. */
export interface Evaluable {
  rank(question: string, options: { mode: RankerMode; k: number }): Promise<RankedPassage[]>;
  ask(question: string): Promise<Answer>;
}

export interface QuestionOutcome {
  id: string;
  lang: Language;
  question: string;
  gold: number[];
  scope?: Scope;
  /** Paragraph numbers in ranked order, per ranker. */
  rankings: Record<RankerMode, number[]>;
  answered: boolean;
  /** Paragraphs `ask()` returned (empty when declined). */
  answer: number[];
}

/** A language, both Chinese scripts together ('zh', what the target is set on), or every question. */
export type LanguageGroup = Language | 'zh' | 'all';
export const LANGUAGE_GROUPS: readonly LanguageGroup[] = ['zh-Hans', 'zh-Hant', 'zh', 'en', 'all'];

function inGroup(lang: Language, group: LanguageGroup): boolean {
  return group === 'all' || group === lang || (group === 'zh' && lang !== 'en');
}

export interface EvaluationReport {
  model: string;
  /** How deep rankings were taken (MRR is MRR@depth). */
  depth: number;
  questions: number;
  metrics: Record<RankerMode, Record<LanguageGroup, RankingMetrics>>;
  decision: DecisionMetrics;
  /** Declines among unanswerable questions, per scope (off-topic, near-topic). */
  declinedByScope: Partial<Record<Scope, { declined: number; questions: number }>>;
  outcomes: QuestionOutcome[];
}

/** Summarises per-question outcomes into the report's tables. */
export function summarize(model: string, depth: number, outcomes: readonly QuestionOutcome[]): EvaluationReport {
  const groups = LANGUAGE_GROUPS;
  const metrics = Object.fromEntries(
    RANKERS.map((mode) => [
      mode,
      Object.fromEntries(
        groups.map((group) => [
          group,
          rankingMetrics(
            outcomes
              .filter((outcome) => inGroup(outcome.lang, group))
              .map((outcome) => ({ ranking: outcome.rankings[mode], gold: outcome.gold })),
          ),
        ]),
      ),
    ]),
  ) as EvaluationReport['metrics'];
  const declinedByScope: EvaluationReport['declinedByScope'] = {};
  for (const scope of SCOPES) {
    const scoped = outcomes.filter((outcome) => outcome.gold.length === 0 && outcome.scope === scope);
    if (scoped.length > 0) declinedByScope[scope] = { declined: scoped.filter((outcome) => !outcome.answered).length, questions: scoped.length };
  }
  return {
    model,
    depth,
    questions: outcomes.length,
    metrics,
    decision: decisionMetrics(outcomes),
    declinedByScope,
    outcomes: [...outcomes],
  };
}

/** Runs every question through every ranker and through `ask()`. */
export async function evaluate(
  knowledgeBase: Evaluable,
  questions: readonly EvalQuestion[],
  options: { model: string; depth?: number },
): Promise<EvaluationReport> {
  const depth = options.depth ?? 10;
  const outcomes: QuestionOutcome[] = [];
  for (const question of questions) {
    const rankings = {} as Record<RankerMode, number[]>;
    for (const mode of RANKERS) {
      rankings[mode] = (await knowledgeBase.rank(question.question, { mode, k: depth })).map((entry) => entry.passage.paragraph);
    }
    const answer = await knowledgeBase.ask(question.question);
    outcomes.push({
      id: question.id,
      lang: question.lang,
      question: question.question,
      gold: question.gold,
      ...(question.scope ? { scope: question.scope } : {}),
      rankings,
      answered: answer.answered,
      answer: answer.results.map((result) => result.passage.paragraph),
    });
  }
  return summarize(options.model, depth, outcomes);
}

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
