import type { Answer } from '../knowledge-base.js';
import type { BarInForce, Outcome } from '../search/relevance/judge.js';
import type { RankedPassage, RankerMode } from '../search/retrieval.js';
import { rankingMetrics, type RankingMetrics } from './metrics.js';
import { RANKERS, SPLITS, type EvalQuestion, type Language, type Scope, type Split } from './questions.js';

/** Drives a knowledge base through a question set and summarises the outcomes, per half and per language. */

/** What the evaluation needs from a knowledge base. */
export interface Evaluable {
  rank(question: string, options: { mode: RankerMode; k: number }): Promise<RankedPassage[]>;
  ask(question: string): Promise<Answer>;
}

export interface QuestionOutcome extends EvalQuestion {
  /** Paragraph numbers in ranked order, per ranker. */
  rankings: Record<RankerMode, number[]>;
  outcome: Outcome;
  /** `outcome === 'answered'`. */
  answered: boolean;
  /** Paragraphs `ask()` quoted (empty when declined). */
  answer: number[];
  /** The words a partial answer named as missing from the article. */
  missing: string[];
}

/** A language, both Chinese scripts together ('zh', what the targets are set on), or every question. */
export type LanguageGroup = Language | 'zh' | 'all';
export const LANGUAGE_GROUPS: readonly LanguageGroup[] = ['zh-Hans', 'zh-Hant', 'zh', 'en', 'all'];

function inGroup(lang: Language, group: LanguageGroup): boolean {
  return group === 'all' || group === lang || (group === 'zh' && lang !== 'en');
}

/** A count out of a number of questions. */
export interface Tally {
  count: number;
  questions: number;
}

/** How many questions of a kind were answered, partly answered and declined. */
export interface OutcomeTally {
  questions: number;
  answered: number;
  partial: number;
  declined: number;
}

/** How the decisions went, per kind of question, for one group of questions. */
export interface DecisionTally {
  /** Answered, partial, declined (falsely), and how often the gold paragraph was among those quoted (answered or partial). */
  answerable: OutcomeTally & { goldQuoted: number };
  offTopic: OutcomeTally;
  nearTopic: OutcomeTally;
}

/** The metrics of one half of the set (or of all of it). */
export interface PartReport {
  questions: number;
  ranking: Record<RankerMode, Record<LanguageGroup, RankingMetrics>>;
  decision: Record<LanguageGroup, DecisionTally>;
}

/** 'all', then each half the set has. */
export type Part = Split | 'all';

export interface EvaluationReport {
  model: string;
  /** The dense bar the decisions were made with, and where it came from. */
  bar?: BarInForce;
  /** How deep rankings were taken (MRR is MRR@depth). */
  depth: number;
  questions: number;
  parts: Partial<Record<Part, PartReport>>;
  outcomes: QuestionOutcome[];
}

function tally(outcomes: readonly QuestionOutcome[], counted: (outcome: QuestionOutcome) => boolean): Tally {
  return { count: outcomes.filter(counted).length, questions: outcomes.length };
}

function outcomeTally(outcomes: readonly QuestionOutcome[]): OutcomeTally {
  const count = (kind: Outcome) => outcomes.filter((outcome) => outcome.outcome === kind).length;
  return {
    questions: outcomes.length,
    answered: count('answered'),
    partial: count('partial'),
    declined: count('declined'),
  };
}

function decisionTally(outcomes: readonly QuestionOutcome[]): DecisionTally {
  const ofScope = (scope: Scope) => outcomes.filter((outcome) => outcome.gold.length === 0 && outcome.scope === scope);
  const answerable = outcomes.filter((outcome) => outcome.gold.length > 0);
  return {
    answerable: {
      ...outcomeTally(answerable),
      goldQuoted: tally(answerable, (outcome) => outcome.answer.some((paragraph) => outcome.gold.includes(paragraph)))
        .count,
    },
    offTopic: outcomeTally(ofScope('off-topic')),
    nearTopic: outcomeTally(ofScope('near-topic')),
  };
}

function partReport(outcomes: readonly QuestionOutcome[]): PartReport {
  const byGroup = <T>(measure: (group: readonly QuestionOutcome[]) => T) =>
    Object.fromEntries(
      LANGUAGE_GROUPS.map((group) => [group, measure(outcomes.filter((outcome) => inGroup(outcome.lang, group)))]),
    ) as Record<LanguageGroup, T>;
  return {
    questions: outcomes.length,
    ranking: Object.fromEntries(
      RANKERS.map((mode) => [
        mode,
        byGroup((group) =>
          rankingMetrics(group.map((outcome) => ({ ranking: outcome.rankings[mode], gold: outcome.gold }))),
        ),
      ]),
    ) as PartReport['ranking'],
    decision: byGroup(decisionTally),
  };
}

/** Summarises per-question outcomes: the whole set, and each half it has. */
export function summarize(
  model: string,
  depth: number,
  outcomes: readonly QuestionOutcome[],
  bar?: BarInForce,
): EvaluationReport {
  const parts: EvaluationReport['parts'] = { all: partReport(outcomes) };
  for (const split of SPLITS) {
    const half = outcomes.filter((outcome) => outcome.split === split);
    if (half.length > 0) parts[split] = partReport(half);
  }
  return { model, ...(bar ? { bar } : {}), depth, questions: outcomes.length, parts, outcomes: [...outcomes] };
}

/** Runs every question through every ranker and through `ask()`. */
export async function evaluate(
  knowledgeBase: Evaluable,
  questions: readonly EvalQuestion[],
  options: { model: string; depth?: number; bar?: BarInForce },
): Promise<EvaluationReport> {
  const depth = options.depth ?? 10;
  const outcomes: QuestionOutcome[] = [];
  for (const question of questions) {
    const rankings = {} as Record<RankerMode, number[]>;
    for (const mode of RANKERS) {
      rankings[mode] = (await knowledgeBase.rank(question.question, { mode, k: depth })).map(
        (entry) => entry.passage.paragraph,
      );
    }
    const answer = await knowledgeBase.ask(question.question);
    outcomes.push({
      id: question.id,
      lang: question.lang,
      question: question.question,
      gold: question.gold,
      ...(question.scope ? { scope: question.scope } : {}),
      ...(question.split ? { split: question.split } : {}),
      rankings,
      outcome: answer.outcome,
      answered: answer.answered,
      answer: answer.results.map((result) => result.passage.paragraph),
      missing: answer.missing,
    });
  }
  return summarize(options.model, depth, outcomes, options.bar);
}
