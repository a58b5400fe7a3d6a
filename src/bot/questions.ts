import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Answer, KnowledgeBase } from '../core/knowledge-base.js';
import { stripInvisible } from '../core/corpus/normalize.js';
import { articleTopics } from '../core/suggestions.js';
import type { Installation } from '../store/installation.js';
import type { QuestionSource, QuestionStore } from '../store/question-store.js';
import { formatAnswer } from './answer-format.js';
import { sourceUrlsOf } from './citation-links.js';
import { answerComponents } from './components/answer-components.js';
import type { ReplyPayload } from './discord-limits.js';
import { UserFacingError } from './errors.js';
import type { Language } from './i18n.js';
import { reportQuestion } from './question-events.js';
import type { Admission } from './rate-limit.js';
import type { QuestionLimiter } from './shared-rate-limit.js';

export type { QuestionSource } from '../store/question-log.js';

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
  limiter: QuestionLimiter,
): UserFacingError {
  return new UserFacingError('rateLimited', {
    count: limiter.limit,
    window: Math.round(limiter.windowMs / 1000),
    seconds: Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)),
  });
}

const ANSWER_ID_LENGTH = 10;
const ANSWER_ID_SPACE = 36n ** BigInt(ANSWER_ID_LENGTH);

/**
 * A new answer's id: 10 base36 characters from 64 random bits (about 3.7 ×
 * 10¹⁵ possible ids, so two answers sharing one is not a practical
 * concern). Short enough for a button's custom_id to carry beside its action.
 */
export function newAnswerId(): string {
  const random = randomBytes(8).readBigUInt64BE() % ANSWER_ID_SPACE;
  return random.toString(36).padStart(ANSWER_ID_LENGTH, '0');
}

/** Passages of the ranking kept after the quoted ones, for the More button and a decline's closest passage. */
export const MORE_PASSAGES = 3;

export interface QuestionOptions {
  /** The language of the bot's words in the reply. */
  language: Language;
  /** Repeat the question above the answer (for commands, where it is not visible otherwise). */
  echoQuestion: boolean;
  source: QuestionSource;
  /** Who asked (the buttons under the answer are theirs), and in which server (null outside servers). */
  asker: { userId: string; guildId: string | null };
  /** Where it was asked, through whose installation of the app: the question log records it. */
  installation: Installation;
  /** Only the asker sees the answer: it gets a Share button. */
  ephemeral: boolean;
  /** When the question arrived (ms since the epoch): the log's latency is counted from here. */
  receivedAt: number;
  questionLog: QuestionStore;
}

/** An answer (or a decline) ready to send, with the id it was given before anyone saw it. */
export interface AnsweredQuestion {
  /** The answer's id: its vote buttons carry it, and the question log records it. */
  answerId: string;
  /** The reply, with its buttons. */
  payload: ReplyPayload;
  answer: Answer;
  /**
   * Hands the question to the log, its latency counted up to now: call it
   * once the reply is sent. The write happens after this turn of the event
   * loop and never throws, so it cannot delay or fail the answer.
   */
  recordDelivered(): void;
}

/**
 * Asks the core and formats its answer with its buttons: the same for /ask,
 * DMs, mentions, the context menu and example questions. The answer id is
 * made here, before the reply exists.
 */
export async function answerQuestion(
  knowledgeBase: KnowledgeBase,
  question: string,
  options: QuestionOptions,
): Promise<AnsweredQuestion> {
  const answerId = newAnswerId();
  const started = performance.now();
  const answer = await knowledgeBase.ask(withoutMentions(question), { more: MORE_PASSAGES });
  // The index it was answered from: a rebuild may have swapped in another one while the question was embedded.
  const { manifest } = answer;
  const { documents } = manifest.corpus;
  const sections = documents.flatMap((document) => document.sections);
  // Echoed as written, mentions included: they are shown, never pinged.
  const payload = formatAnswer(
    { ...answer, question },
    {
      language: options.language,
      echoQuestion: options.echoQuestion,
      sections,
      multipleDocuments: documents.length > 1,
      sourceUrls: sourceUrlsOf(manifest),
    },
  );
  payload.components = answerComponents(answer, {
    language: options.language,
    answerId,
    askerId: options.asker.userId,
    ephemeral: options.ephemeral,
    topics: answer.outcome === 'declined' ? articleTopics(manifest, 3) : [],
  });
  reportQuestion({
    source: options.source,
    outcome: answer.outcome,
    seconds: (performance.now() - started) / 1000,
  });
  return {
    answerId,
    payload,
    answer,
    recordDelivered: () =>
      options.questionLog.recordQuestion({
        answerId,
        askedAt: options.receivedAt,
        source: options.source,
        installation: options.installation,
        guildId: options.asker.guildId,
        userId: options.asker.userId,
        language: options.language,
        question: withoutMentions(question),
        outcome: answer.outcome,
        missing: answer.missing,
        quoted: answer.results.map((result) => ({ passageId: result.passage.id, score: result.score })),
        latencyMs: Date.now() - options.receivedAt,
      }),
  };
}
