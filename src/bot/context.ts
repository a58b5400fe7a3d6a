import type { Config } from '../config/config.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { QuestionStore } from '../store/question-store.js';
import type { QuestionLimiter } from './shared-rate-limit.js';

/** The knowledge base as the Discord layer sees it: possibly still loading. */
export interface KnowledgeSource {
  /** The knowledge base once loaded; undefined while the model and the index load. */
  readonly current: KnowledgeBase | undefined;
  /** Resolves when it is loaded (at once if it is); rejects if loading failed or the bot stops first. */
  whenReady(): Promise<KnowledgeBase>;
}

/** What every handler may use. */
export interface BotContext {
  config: Config;
  logger: Logger;
  knowledge: KnowledgeSource;
  /** The bot's user name, as people mention it. */
  botName(): string;
  /** True once a stop was requested: no new work is accepted. */
  isStopping(): boolean;
  /**
   * The per-user limit on questions (/ask, DMs and mentions share it, keyed by
   * user id). /help, /about, the admin commands and `help` messages do not count.
   */
  questionLimiter: QuestionLimiter;
  /**
   * The owner's question log (src/store/): questions are handed to it after
   * their reply (`AnsweredQuestion.recordDelivered`), feedback buttons call
   * its `recordVote`, /stats reads its `report`. None of it throws for a
   * storage failure: it logs and carries on.
   */
  questionLog: QuestionStore;
}
