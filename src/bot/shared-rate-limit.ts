import type { Logger } from '../logger.js';
import type { SharedRateLimits } from '../store/question-store.js';
import type { Admission, SlidingWindowLimiter } from './rate-limit.js';

/** The limit every handler takes a question from: this process's own, or one shared across processes. */
export interface QuestionLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Counts a question from `key` if it is within the limit; otherwise says how long to wait. Never throws. */
  take(key: string): Admission | Promise<Admission>;
}

/** How long a question waits for the shared counters before the process's own decide: replies have 3 s. */
const SHARED_TIMEOUT_MS = 1000;

/**
 * The per-user limit shared by every process through the database
 * (DATABASE_URL), so that a user has one budget across shards and machines.
 * While the database cannot be reached, the process's own counters decide
 * (said once in the log, and once when the database is back); they count
 * every admitted question meanwhile too, so falling back starts from what
 * this process has seen.
 */
export class SharedLimiter implements QuestionLimiter {
  private fallingBack = false;

  constructor(
    private readonly shared: () => SharedRateLimits | undefined,
    private readonly local: SlidingWindowLimiter,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get limit(): number {
    return this.local.limit;
  }

  get windowMs(): number {
    return this.local.windowMs;
  }

  async take(key: string): Promise<Admission> {
    const shared = this.shared();
    if (!shared) return this.local.take(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      const admission = await Promise.race([
        shared.take(key, { limit: this.local.limit, windowMs: this.local.windowMs, now: this.now() }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${SHARED_TIMEOUT_MS} ms`)), SHARED_TIMEOUT_MS);
        }),
      ]);
      if (admission.allowed) this.local.take(key);
      if (this.fallingBack) {
        this.fallingBack = false;
        this.logger.info('the shared rate limits are back: every process counts against one budget again');
      }
      return admission;
    } catch (error) {
      if (!this.fallingBack) {
        this.fallingBack = true;
        this.logger.warn(
          { err: error },
          "the shared rate limits cannot be reached: this process's own counters decide until they are back",
        );
      }
      return this.local.take(key);
    } finally {
      clearTimeout(timer);
    }
  }
}
