/** Whether a user may ask now, and if not, for how long they must wait. */
export type Admission =
  | { allowed: true }
  | {
      allowed: false;
      /** Until the oldest counted question leaves the window and the user may ask again. */
      retryAfterMs: number;
      /** The user was already refused since their last admitted question (a flood in progress). */
      repeated: boolean;
    };

export interface RateLimitSettings {
  /** Questions admitted per user within any window. */
  limit: number;
  windowMs: number;
  /** The clock; tests pass their own. */
  now?: () => number;
}

interface UserWindow {
  /** When the admitted questions still in the window were asked, oldest first. */
  admitted: number[];
  refusedSinceAdmitted: boolean;
}

/**
 * A per-user sliding-window limit: at most `limit` questions in any
 * `windowMs`. Refused attempts do not count, so a user who keeps flooding is
 * admitted again as soon as their oldest question leaves the window. Users
 * who stopped asking are forgotten, so memory follows the active users only.
 */
export class SlidingWindowLimiter {
  private readonly users = new Map<string, UserWindow>();
  private readonly now: () => number;
  private lastSweep: number;

  constructor(private readonly settings: RateLimitSettings) {
    if (!Number.isInteger(settings.limit) || settings.limit < 1)
      throw new RangeError('limit must be a whole number of at least 1');
    if (!(settings.windowMs > 0)) throw new RangeError('windowMs must be positive');
    this.now = settings.now ?? Date.now;
    this.lastSweep = this.now();
  }

  get limit(): number {
    return this.settings.limit;
  }

  get windowMs(): number {
    return this.settings.windowMs;
  }

  /** Users currently remembered (for tests: memory follows the active users). */
  get trackedUsers(): number {
    return this.users.size;
  }

  /** Counts a question from `key` if it is within the limit; otherwise says how long to wait. */
  take(key: string): Admission {
    const now = this.now();
    this.sweep(now);
    const user = this.users.get(key) ?? { admitted: [], refusedSinceAdmitted: false };
    this.users.set(key, user);
    const windowStart = now - this.settings.windowMs;
    while (user.admitted.length > 0 && user.admitted[0]! <= windowStart) user.admitted.shift();

    if (user.admitted.length < this.settings.limit) {
      user.admitted.push(now);
      user.refusedSinceAdmitted = false;
      return { allowed: true };
    }
    const repeated = user.refusedSinceAdmitted;
    user.refusedSinceAdmitted = true;
    return { allowed: false, retryAfterMs: user.admitted[0]! + this.settings.windowMs - now, repeated };
  }

  /** At most once a window, forgets the users whose every question has left it. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.settings.windowMs) return;
    this.lastSweep = now;
    const windowStart = now - this.settings.windowMs;
    for (const [key, user] of this.users) {
      if ((user.admitted.at(-1) ?? Number.NEGATIVE_INFINITY) <= windowStart) this.users.delete(key);
    }
  }
}
