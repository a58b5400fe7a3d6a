import type { Config } from '../config/config.js';
import type { KnowledgeBase } from '../core/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { SlidingWindowLimiter } from './rate-limit.js';

/** The knowledge base as the Discord layer sees it: possibly still loading. */
export interface KnowledgeSource {
  /** The knowledge base once loaded; undefined while the model and the index load. */
  readonly current: KnowledgeBase | undefined;
  /** Resolves when it is loaded (at once if it is); rejects if loading failed or the bot stops first. */
  whenReady(): Promise<KnowledgeBase>;
}

/** Where 👍 / 👎 go: one vote per user and answer, changeable. */
export interface VoteRecorder {
  recordVote(vote: { answerId: string; userId: string; value: 1 | -1 }): 'recorded' | 'changed' | 'unchanged';
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
   * user id). /help, /about, /reindex and `help` messages do not count.
   */
  questionLimiter: SlidingWindowLimiter;
  /** Records feedback on answers; absent when there is nowhere to keep it. */
  votes?: VoteRecorder;
}
