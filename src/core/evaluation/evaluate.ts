import type { Answer } from '../knowledge-base.js';
import type { BarInForce } from '../search/relevance/judge.js';
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
  answered: boolean;
  /** Paragraphs `ask()` returned (empty when declined). */
  answer: number[];
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

/** How the decision to answer or decline went, for one group of questions. */
export interface DecisionTally {
  offTopicDeclined: Tally;
  nearTopicDeclined: Tally;
  /** Answerable questions that were declined: the cost of declining. */
  falselyDeclined: Tally;
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

function decisionTally(outcomes: readonly QuestionOutcome[]): DecisionTally {
  const ofScope = (scope: Scope) => outcomes.filter((outcome) => outcome.gold.length === 0 && outcome.scope === scope);
  return {
    offTopicDeclined: tally(ofScope('off-topic'), (outcome) => !outcome.answered),
    nearTopicDeclined: tally(ofScope('near-topic'), (outcome) => !outcome.answered),
    falselyDeclined: tally(
      outcomes.filter((outcome) => outcome.gold.length > 0),
      (outcome) => !outcome.answered,
    ),
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
      answered: answer.answered,
      answer: answer.results.map((result) => result.passage.paragraph),
    });
  }
  return summarize(options.model, depth, outcomes, options.bar);
}
