import { randomBytes } from 'node:crypto';
import type { Answer, KnowledgeBase } from '../core/knowledge-base.js';
import { stripInvisible } from '../core/normalize.js';
import { articleTopics } from '../core/suggestions.js';
import { formatAnswer } from './answer-format.js';
import { answerComponents } from './components/answer-components.js';
import type { ReplyPayload } from './discord-limits.js';
import { UserFacingError } from './errors.js';
import type { Language } from './i18n.js';
import type { Admission, SlidingWindowLimiter } from './rate-limit.js';

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

/** Passages of the ranking kept after the quoted ones, for the More button and a decline's closest passage. */
export const MORE_PASSAGES = 3;

export interface AnswerRequest {
  language: Language;
  /** Repeat the question above the answer (commands, where it is otherwise hidden). */
  echoQuestion: boolean;
  /** Who asked: the buttons under the answer are theirs. */
  askerId: string;
  /** Only the asker sees the answer: it gets a Share button. */
  ephemeral: boolean;
}

export interface AnsweredQuestion {
  payload: ReplyPayload;
  /** The answer's id: its vote buttons carry it, and the question log records it. */
  answerId: string;
  answer: Answer;
}

/** A short random id for an answer (10 base-36 characters), made before replying so that buttons can carry it. */
export function newAnswerId(): string {
  return BigInt(`0x${randomBytes(7).toString('hex')}`)
    .toString(36)
    .padStart(10, '0')
    .slice(-10);
}

/** Asks the core and formats its answer with its buttons: the same for every way of asking. */
export async function answerQuestion(
  knowledgeBase: KnowledgeBase,
  question: string,
  request: AnswerRequest,
): Promise<AnsweredQuestion> {
  const answer = await knowledgeBase.ask(withoutMentions(question), { more: MORE_PASSAGES });
  const { manifest } = knowledgeBase;
  const { documents } = manifest.corpus;
  const sections = documents.flatMap((document) => document.sections);
  const answerId = newAnswerId();
  // Echoed as written, mentions included: they are shown, never pinged.
  const payload = formatAnswer(
    { ...answer, question },
    { ...request, sections, multipleDocuments: documents.length > 1 },
  );
  payload.components = answerComponents(answer, {
    ...request,
    answerId,
    topics: answer.answered ? [] : articleTopics(manifest, 3),
  });
  return { payload, answerId, answer };
}
