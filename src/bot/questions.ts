import type { KnowledgeBase } from '../core/knowledge-base.js';
import { stripInvisible } from '../core/normalize.js';
import { UserFacingError } from './errors.js';
import type { Language } from './i18n.js';
import { formatAnswer, type ReplyPayload } from './reply-format.js';

/**
 * A question as the user meant it, or the reason it cannot be asked. Length
 * is counted in characters as a reader counts them (an emoji is one).
 */
export function validQuestion(raw: string, maxLength: number): string {
  const question = stripInvisible(raw).trim();
  if (!question) throw new UserFacingError('emptyQuestion');
  const length = [...question].length;
  if (length > maxLength) throw new UserFacingError('questionTooLong', { length, maxLength });
  return question;
}

/** Asks the core and formats its answer: the same for /ask, DMs and mentions. */
export async function answerQuestion(
  knowledgeBase: KnowledgeBase,
  question: string,
  options: { language: Language; echoQuestion: boolean },
): Promise<ReplyPayload> {
  const answer = await knowledgeBase.ask(question);
  const sections = knowledgeBase.manifest.corpus.documents.flatMap((document) => document.sections);
  return formatAnswer(answer, { ...options, sections });
}
