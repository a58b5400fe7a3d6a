import type { Answer } from '../knowledge-base.js';
import type { RankedPassage, RankerMode } from '../retrieval.js';
import { decisionMetrics, rankingMetrics, type DecisionMetrics, type RankingMetrics } from './metrics.js';
import { RANKERS, SCOPES, type EvalQuestion, type Language, type Scope } from './questions.js';

/** Drives a knowledge base through a question set and summarises the outcomes. */

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
