import { channel } from 'node:diagnostics_channel';
import type { Message } from 'discord.js';
import type { QuestionSource } from '../store/question-log.js';
import type { AnswerableInteraction } from './replies.js';

/**
 * What became of each question, told to whoever listens (the metrics, when
 * METRICS_PORT is set) through a diagnostics channel: the handlers report in
 * one line and know nothing of metrics, and with nobody listening a report
 * costs nothing.
 */

export type { QuestionSource } from '../store/question-log.js';

/**
 * answered: passages quoted; partial: quoted under a caveat naming what the
 * article lacks; declined: the article does not answer it; refused: not asked
 * (empty, too long, the bot stopping); rate_limited: over the per-user limit
 * (when told so); failed: an unexpected error.
 */
export type QuestionOutcome = 'answered' | 'partial' | 'declined' | 'refused' | 'rate_limited' | 'failed';

export interface QuestionEvent {
  source: QuestionSource;
  outcome: QuestionOutcome;
  /** From asking the core to the formatted reply (answered and declined questions only). */
  seconds?: number;
}

const questions = channel('article-bot:questions');

export function reportQuestion(event: QuestionEvent): void {
  if (questions.hasSubscribers) questions.publish(event);
}

/** Calls `listener` with every question's outcome until the returned function is called. */
export function onQuestion(listener: (event: QuestionEvent) => void): () => void {
  const handler = (message: unknown) => listener(message as QuestionEvent);
  questions.subscribe(handler);
  return () => questions.unsubscribe(handler);
}

/** Where an error reply goes, as a question's source; undefined for commands that are not questions. */
export function questionSourceOf(target: AnswerableInteraction | Message): QuestionSource | undefined {
  if ('author' in target) return target.inGuild() ? 'mention' : 'dm';
  if (target.isMessageContextMenuCommand()) return 'context-menu';
  if (target.isChatInputCommand()) return target.commandName === 'ask' ? 'slash' : undefined;
  return undefined;
}
