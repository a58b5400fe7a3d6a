import type { KnowledgeBase } from '../core/knowledge-base.js';
import { stripInvisible } from '../core/normalize.js';
import { UserFacingError } from './errors.js';
import type { Language } from './i18n.js';
import type { Admission, SlidingWindowLimiter } from './rate-limit.js';
import { formatAnswer } from './answer-format.js';
import type { ReplyPayload } from './discord-limits.js';
import { reportQuestion, type QuestionSource } from './question-events.js';

/** Discord's mention syntax: users, roles, channels, @everyone and @here. */
const MENTIONS = /<@[!&]?\d{17,20}>|<#\d{17,20}>|@(?:everyone|here)\b/g;

/** What the article is asked: the question without mentions, which say nothing about the article. */
export function withoutMentions(question: string): string {
  return question.replace(MENTIONS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * A question as the user meant it, or the reason it cannot be asked. Length
 * is counted in characters as a reader counts them (an emoji is one). A
 * question of nothing but mentions asks nothing, so it counts as empty.
 */
export function validQuestion(raw: string, maxLength: number): string {
  const question = stripInvisible(raw).trim();
  if (!question) throw new UserFacingError('emptyQuestion');
  const length = [...question].length;
  if (length > maxLength) throw new UserFacingError('questionTooLong', { length, maxLength });
  if (!withoutMentions(question)) throw new UserFacingError('emptyQuestion');
  return question;
}

/** The "slow down, try again in N s" reply for a refused question (ephemeral where Discord allows it). */
export function tooManyQuestions(
  refusal: Extract<Admission, { allowed: false }>,
  limiter: SlidingWindowLimiter,
): UserFacingError {
  return new UserFacingError('rateLimited', {
    count: limiter.limit,
    window: Math.round(limiter.windowMs / 1000),
    seconds: Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)),
  });
}

/** Asks the core and formats its answer: the same for /ask, DMs and mentions. */
export async function answerQuestion(
  knowledgeBase: KnowledgeBase,
  question: string,
  options: { language: Language; echoQuestion: boolean; source: QuestionSource },
): Promise<ReplyPayload> {
  const started = performance.now();
  const answer = await knowledgeBase.ask(withoutMentions(question));
  const { documents } = knowledgeBase.manifest.corpus;
  const sections = documents.flatMap((document) => document.sections);
  // Echoed as written, mentions included: they are shown, never pinged.
  const reply = formatAnswer(
    { ...answer, question },
    { ...options, sections, multipleDocuments: documents.length > 1 },
  );
  const outcome = answer.answered ? 'answered' : 'declined';
  reportQuestion({ source: options.source, outcome, seconds: (performance.now() - started) / 1000 });
  return reply;
}
