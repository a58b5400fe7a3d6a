import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { RankerMode } from '../search/retrieval.js';

/**
 * An evaluation question set: questions with the paragraphs that answer
 * them (gold), in three languages, plus questions the article does not answer.
 */

/** The project's own question set, shipped beside this module. */
export const DEFAULT_QUESTIONS_FILE = fileURLToPath(new URL('./questions.json', import.meta.url));

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
  /**
   * Which half of the set: decision constants are tuned on `tuning` only and
   * reported on both, so that `held-out` measures what they do on questions
   * they were not fitted to.
   */
  split?: Split;
}

export const SPLITS = ['tuning', 'held-out'] as const;
export type Split = (typeof SPLITS)[number];

export const SCOPES = ['off-topic', 'near-topic'] as const;
export type Scope = (typeof SCOPES)[number];

const questionSchema = z
  .object({
    id: z.string().min(1),
    lang: z.enum(LANGUAGES),
    question: z.string().trim().min(1),
    gold: z.array(z.number().int().positive()),
    scope: z.enum(SCOPES).optional(),
    split: z.enum(SPLITS).optional(),
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
