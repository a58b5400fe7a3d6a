/** The first wait before starting a model process again after two failures in a row (the first restart is at once). */
const FIRST_BACKOFF_MS = 1000;
/** The longest wait between two starts, however often the model failed. */
const MAX_BACKOFF_MS = 60_000;
const MINUTE_MS = 60_000;

/**
 * When a model process that died, hung or failed to load may be started
 * again: at once after its first failure, then after an exponential back-off
 * (1 s, 2 s, 4 s … up to a minute) while it keeps failing, and never more
 * than a set number of times in any minute. A model that crashes at every
 * start then costs a start now and then, not a loop of loads that starves the
 * host; one call it answers resets the back-off.
 */
export class RestartPolicy {
  private failures = 0;
  private notBefore = 0;
  private readonly recentStarts: number[] = [];

  constructor(
    private readonly maxRestartsPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The process died, hung or failed to load. */
  failed(): void {
    this.failures++;
    const delay = this.failures <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (this.failures - 2));
    this.notBefore = Math.max(this.notBefore, this.now() + delay);
  }

  /** The process answered a call: it works, so the next failure is a first one again. */
  succeeded(): void {
    this.failures = 0;
  }

  /** A restart begins now. */
  restarting(): void {
    this.recentStarts.push(this.now());
  }

  /** Milliseconds until a restart is allowed (0: now). */
  waitMs(): number {
    const now = this.now();
    while (this.recentStarts.length > 0 && this.recentStarts[0]! <= now - MINUTE_MS) this.recentStarts.shift();
    const capped = this.recentStarts.length >= this.maxRestartsPerMinute ? this.recentStarts[0]! + MINUTE_MS - now : 0;
    return Math.max(0, this.notBefore - now, capped);
  }
}
